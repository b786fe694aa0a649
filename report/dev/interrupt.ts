import type { DevServer } from "./server.ts";

/** On Ctrl-C (or SIGTERM) closes the server, which aborts a running build and its child processes. */
export function closeOnInterrupt(
  server: DevServer,
  log: (line: string) => void = console.log,
): Promise<void> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = () => {
      if (closing) return;
      closing = true;
      log("stopping dev server");
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
      server.close().then(resolve, resolve);
    };
    for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  });
}
