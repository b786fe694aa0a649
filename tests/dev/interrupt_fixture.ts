import { startDevServer } from "../../report/dev/server.ts";
import { closeOnInterrupt } from "../../report/dev/interrupt.ts";

const [distDir] = Deno.args;
const server = startDevServer({
  distDir,
  watch: [distDir],
  port: 0,
  log: () => {},
  build: async (_changed, signal) => {
    const child = new Deno.Command("sleep", { args: ["60"], signal }).spawn();
    console.log(JSON.stringify({ child: child.pid }));
    await child.status;
    return { ok: true };
  },
});
// The listener is in place before the test learns the address (and may send Ctrl-C).
const stopped = closeOnInterrupt(server, () => {});
console.log(JSON.stringify({ url: server.url }));
await stopped;
console.log(JSON.stringify({ stopped: true }));
