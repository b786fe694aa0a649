export interface ServerEvent {
  event: string;
  data: string;
}

/** Reads server-sent events from a URL; `next(name)` waits for the next event of that name. */
export async function openEventStream(url: string) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const received: ServerEvent[] = [];
  const waiters: (() => void)[] = [];
  let buffer = "";
  const pump = (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let boundary: number;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const lines = block.split("\n");
          const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
          const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join(
            "\n",
          );
          if (event) received.push({ event, data });
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch { /* aborted */ }
  })();

  async function next(event: string, timeoutMs = 10_000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const index = received.findIndex((item) => item.event === event);
      if (index >= 0) return received.splice(index, 1)[0];
      if (Date.now() > deadline) throw new Error(`no "${event}" event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  return {
    next,
    received,
    async close() {
      abort.abort();
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}
