/**
 * The cold build: the project's files (tracked and untracked, as `git ls-files` lists them) copied into an empty
 * folder, then `deno task build` there, HTML and PDF, with an empty `.cache/` — what a fresh clone does on a
 * machine whose Deno cache holds the packages already. Measures wall-clock seconds and the peak resident memory
 * of the largest process of the build (the build itself, a chapter process or the browser), read from
 * `/proc/<pid>/status` (`VmHWM`) while it runs.
 *
 * `deno run -A tests/bench/cold.ts` runs it alone.
 */
import { join } from "node:path";

export interface ColdBuild {
  ok: boolean;
  seconds: number;
  /** Peak resident memory of the largest process, MiB; null where `/proc` cannot be read. */
  peakRssMiB: number | null;
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

/** The largest `VmHWM` among processes whose command line mentions `dir`. */
function peakOfProcessesIn(dir: string, peaks: Map<number, number>): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync("/proc")];
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const commandLine = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
      if (!commandLine.includes(dir) && !peaks.has(pid)) continue;
      const kib = /VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1];
      if (kib) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, Number(kib)));
    } catch { /* the process ended */ }
  }
}

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
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "build"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const peaks = new Map<number, number>();
    const readProc = Deno.build.os === "linux";
    const sampler = readProc ? setInterval(() => peakOfProcessesIn(dir, peaks), 500) : undefined;
    const output = await child.output();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const lines = text.split("\n").filter((line) => / computed in |^PDF |^report written|^error/.test(line));
    const peak = peaks.size > 0 ? Math.max(...peaks.values()) / 1024 : null;
    return { ok: output.success, seconds, peakRssMiB: readProc ? peak : null, lines };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const cold = await benchCold({ log: (line) => console.error(line) });
  for (const line of cold.lines) console.log(`  ${line}`);
  console.log(
    `cold build ${cold.ok ? "" : "(FAILED) "}${cold.seconds.toFixed(1)} s` +
      (cold.peakRssMiB === null ? "" : `, peak RSS ${cold.peakRssMiB.toFixed(0)} MiB (largest process)`),
  );
}
