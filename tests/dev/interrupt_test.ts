import assert from "node:assert/strict";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

Deno.test({
  name: "Ctrl-C stops the dev server during a build and leaves no child process behind",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dist = await Deno.makeTempDir({ prefix: "dev-interrupt-" });
    const process = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./interrupt_fixture.ts", import.meta.url).pathname, dist],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const seen: Record<string, unknown> = {};
    let buffer = "";
    while (!("child" in seen && "url" in seen)) {
      const { value, done } = await lines.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const part of parts) Object.assign(seen, JSON.parse(part));
    }
    const child = seen.child as number;
    assert.ok(alive(child), "the build's child process is running");
    process.kill("SIGINT");
    const status = await process.status;
    let rest = buffer;
    while (true) {
      const { value, done } = await lines.read();
      if (done) break;
      rest += value;
    }
    assert.equal(status.code, 0);
    assert.match(rest, /"stopped":true/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(alive(child), false, "the build's child process was ended");
    await assert.rejects(fetch(seen.url as string));
  },
});
