/** Server-sent events to every open page: `reload`, `building`, `build-error`. */
export interface ReloadHub {
  response(): Response;
  broadcast(event: string, data: string): void;
  readonly clients: number;
  close(): void;
}

const encoder = new TextEncoder();

export function sseMessage(event: string, data: string): string {
  const lines = data.split("\n").map((line) => `data: ${line}`).join("\n");
  return `event: ${event}\n${lines}\n\n`;
}

export function createReloadHub(keepAliveMs = 15_000): ReloadHub {
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);

  function send(text: string): void {
    const bytes = encoder.encode(text);
    for (const client of clients) {
      try {
        client.enqueue(bytes);
      } catch {
        clients.delete(client);
      }
    }
  }

  function response(): Response {
    let own: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        own = controller;
        clients.add(controller);
        controller.enqueue(encoder.encode("retry: 500\n: connected\n\n"));
      },
      cancel() {
        if (own) clients.delete(own);
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
      },
    });
  }

  return {
    response,
    broadcast: (event, data) => send(sseMessage(event, data)),
    get clients() {
      return clients.size;
    },
    close() {
      clearInterval(keepAlive);
      for (const client of clients) {
        try {
          client.close();
        } catch { /* already closed */ }
      }
      clients.clear();
    },
  };
}
