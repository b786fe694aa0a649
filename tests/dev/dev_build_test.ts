import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { devBuild } from "../../report/dev/dev_command.ts";
import { startDevServer } from "../../report/dev/server.ts";
import { silentReporter } from "../../report/terminal.ts";
import { buildCommand, editFile, removeScratch, ROOT, scratchProject } from "../cache/e2e_project.ts";
import { openEventStream } from "./sse_client.ts";

Deno.test({
  name: "dev server on real chapters: reloads after a save, overlays a failing block at file:line, recovers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratchProject();
    const server = startDevServer({
      distDir: project.outDir,
      watch: [project.chapters],
      build: devBuild(
        buildCommand(project, { command: "dev", params: { profile: "quick", trace: project.cliTrace } }),
        ROOT,
        silentReporter,
      ),
      port: 0,
      debounceMs: 80,
      log: () => {},
    });
    const alpha = join(project.chapters, "01-alpha.md");
    try {
      await server.idle();
      assert.equal(server.lastFailure, undefined);
      assert.match(await (await fetch(server.url)).text(), /Alpha opens with prose\./);
      const events = await openEventStream(`${server.url}__reload`);

      await editFile(alpha, (text) => text.replace("Alpha opens with prose.", "Alpha opens, edited live."));
      await events.next("reload", 30_000);
      assert.match(await (await fetch(server.url)).text(), /Alpha opens, edited live\./);

      await editFile(
        alpha,
        (text) => text.replace("const base = 21;", 'const base = 21;\nthrow new Error("broken on purpose");'),
      );
      const failure = JSON.parse((await events.next("build-error", 30_000)).data);
      const chapterPath = relative(ROOT, alpha);
      assert.equal(failure.file, chapterPath);
      assert.equal(
        failure.line,
        (await Deno.readTextFile(alpha)).split("\n").indexOf('throw new Error("broken on purpose");') + 1,
      );
      const overlaid = await (await fetch(server.url)).text();
      assert.match(overlaid, /report-dev-overlay/);
      assert.ok(overlaid.includes(`${chapterPath}:${failure.line}`));
      assert.match(overlaid, /broken on purpose/);

      await editFile(alpha, (text) => text.replace('\nthrow new Error("broken on purpose");', ""));
      await events.next("reload", 30_000);
      assert.equal(server.lastFailure, undefined);
      assert.doesNotMatch(await (await fetch(server.url)).text(), /class="report-dev-overlay"/);
      await events.close();
    } finally {
      await server.close();
      await removeScratch(project);
    }
  },
});

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) found.push(Number(entry.name));
    } catch { /* exited */ }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

Deno.test({
  name: "deno task dev: serves on 127.0.0.1 and Ctrl-C during a build leaves no chapter process",
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratchProject();
    const dev = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "main.ts",
        "dev",
        "--chapters",
        relative(ROOT, project.chapters),
        "--out",
        project.outDir,
        "--port",
        "0",
        "--param",
        "profile=quick",
        "--param",
        `trace=${project.cliTrace}`,
        "--param",
        "pause=60000",
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = dev.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    try {
      while (!/serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.test(output)) {
        const { value, done } = await stdout.read();
        if (done) break;
        output += value;
      }
      const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      assert.ok(url, output);
      assert.equal((await fetch(url)).status, 200);
      let chapterProcesses: number[] = [];
      for (let tries = 0; tries < 200 && chapterProcesses.length === 0; tries++) {
        chapterProcesses = childrenOf(dev.pid).filter((pid) => {
          try {
            return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("run_chapter.ts");
          } catch {
            return false;
          }
        });
        if (chapterProcesses.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(chapterProcesses.length > 0, "a chapter process is running");
      for (
        let tries = 0;
        tries < 100 && !(await Deno.readTextFile(project.cliTrace).catch(() => "")).includes("beta:0");
        tries++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      dev.kill("SIGINT");
      const status = await dev.status;
      assert.equal(status.code, 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(chapterProcesses.filter(alive), []);
      await assert.rejects(fetch(url));
    } finally {
      try {
        dev.kill("SIGKILL");
      } catch { /* exited */ }
      await stdout.cancel().catch(() => {});
      await dev.stderr.cancel().catch(() => {});
      await removeScratch(project);
    }
  },
});
