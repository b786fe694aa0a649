import { fileURLToPath } from "node:url";

interface DenoInfoModule {
  specifier: string;
}

/** Local files in the module graph of `entry` as reported by `deno info --json` (a child process). */
export async function denoInfoLocalFiles(entry: string, cwd?: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr)}`);
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: DenoInfoModule[] };
  return graph.modules
    .map((module) => module.specifier)
    .filter((specifier) => specifier.startsWith("file:"))
    .map((specifier) => fileURLToPath(specifier))
    .sort();
}
