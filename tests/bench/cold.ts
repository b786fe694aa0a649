/**
 * The cold build: the project's files (tracked and untracked, as `git ls-files` lists them) copied into an empty
 * folder, then `deno task build` there, HTML and PDF, with an empty `.cache/` — what a fresh clone does on a
 * machine whose Deno cache holds the packages already. Measures wall-clock seconds and the peak resident memory
 * of the largest process of the build (the build itself, a chapter process or the browser), read from
 * `/proc/<pid>/status` (`VmHWM`) of every process below the build while it runs.
 *
 * `deno run -A tests/bench/cold.ts` runs it alone.
 */
import { join } from "node:path";

export interface ColdBuild {
  ok: boolean;
  seconds: number;
  /** Peak resident memory of the largest process, MiB; null where `/proc` cannot be read. */
  peakRssMiB: number | null;
  /** CPU seconds (user + system) of the build and every process it waited for, from `/usr/bin/time`; null
   * without it. Steadier than the wall clock on a shared machine. */
  cpuSeconds: number | null;
  /** The build's own lines for its stored computations and its PDF. */
  lines: string[];
}

const projectRoot = new URL("../../", import.meta.url).pathname;

async function projectFiles(): Promise<string[]> {
  const output = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: projectRoot,
    stdout: "piped",
  }).output();
  if (!output.success) throw new Error("cold build: git ls-files failed");
  return new TextDecoder().decode(output.stdout).split("\0").filter((path) => path.length > 0);
}

/** Records the `VmHWM` of `root` and every process below it (chapter processes, the browser and its helpers). */
function samplePeaks(root: number, peaks: Map<number, number>): void {
  const parents = new Map<number, number>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      const pid = Number(entry.name);
      if (!Number.isInteger(pid)) continue;
      try {
        // The parent is the 4th field, after the command name in parentheses (which may hold spaces).
        const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
        parents.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      } catch { /* the process ended */ }
    }
  } catch {
    return;
  }
  const tree = new Set([root]);
  for (let grown = true; grown;) {
    grown = false;
    for (const [pid, parent] of parents) {
      if (tree.has(pid) || !tree.has(parent)) continue;
      tree.add(pid);
      grown = true;
    }
  }
  for (const pid of tree) {
    try {
      const kib = /VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1];
      if (kib) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, Number(kib)));
    } catch { /* the process ended */ }
  }
}

const CPU_MARK = "cold-build-cpu";

export async function benchCold(options: { log?: (line: string) => void } = {}): Promise<ColdBuild> {
  const log = options.log ?? (() => {});
  const dir = await Deno.makeTempDir({ prefix: "bench-cold-" });
  try {
    for (const path of await projectFiles()) {
      if (path.startsWith(".cache/") || path.startsWith("dist/")) continue;
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.copyFile(join(projectRoot, path), join(dir, path)).catch(() => {});
    }
    log(`cold build in ${dir}…`);
    const started = performance.now();
    const time = "/usr/bin/time";
    const timed = await Deno.stat(time).then((info) => info.isFile, () => false);
    const build = [Deno.execPath(), "task", "build"];
    const child = new Deno.Command(timed ? time : build[0], {
      args: timed ? ["-f", `${CPU_MARK} %U %S`, ...build] : build.slice(1),
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const peaks = new Map<number, number>();
    const readProc = Deno.build.os === "linux";
    const sampler = readProc ? setInterval(() => samplePeaks(child.pid, peaks), 500) : undefined;
    const output = await child.output();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const lines = text.split("\n").filter((line) => / computed in |^PDF |^report written|^error/.test(line));
    const peak = peaks.size > 0 ? Math.max(...peaks.values()) / 1024 : null;
    const cpu = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(text);
    const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : null;
    return { ok: output.success, seconds, peakRssMiB: readProc ? peak : null, cpuSeconds, lines };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const cold = await benchCold({ log: (line) => console.error(line) });
  for (const line of cold.lines) console.log(`  ${line}`);
  console.log(
    `cold build ${cold.ok ? "" : "(FAILED) "}${cold.seconds.toFixed(1)} s` +
      (cold.cpuSeconds === null ? "" : `, ${cold.cpuSeconds.toFixed(0)} CPU-s`) +
      (cold.peakRssMiB === null ? "" : `, peak RSS ${cold.peakRssMiB.toFixed(0)} MiB (largest process)`),
  );
}
