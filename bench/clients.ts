/**
 * Many idle, authenticated clients for the memory figure: each opens a socket, answers the
 * challenge with a token `connect`, waits for hello-ok and then just stays open. They live in
 * the bench process; only the gateway process's memory is measured.
 */
import { connectFrame } from "./connect.ts";

export interface OpenedClients {
  sockets: WebSocket[];
  /** Frames received after hello-ok (broadcasts), to show fan-out cost. */
  extraFrames: () => number;
  close(): Promise<void>;
}

function openOne(url: string, clientMode: string, index: number, onExtra: () => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let state: "challenge" | "hello" | "open" = "challenge";
    const timer = setTimeout(() => reject(new Error(`client ${index}: handshake timed out in state ${state}`)), 30_000);
    ws.onmessage = (event) => {
      if (state === "open") return onExtra();
      const frame = JSON.parse(event.data as string);
      if (state === "challenge" && frame.type === "event" && frame.event === "connect.challenge") {
        // instanceId keeps presence keys distinct per client, as separate app installs would be.
        ws.send(connectFrame("c1", { nonce: frame.payload.nonce, device: null, clientMode, instanceId: `bench-${index}` }));
        state = "hello";
      } else if (state === "hello" && frame.type === "res") {
        clearTimeout(timer);
        if (!frame.ok) return reject(new Error(`client ${index}: connect refused: ${JSON.stringify(frame.error)}`));
        state = "open";
        resolve(ws);
      }
    };
    ws.onerror = () => reject(new Error(`client ${index}: socket error`));
  });
}

/** Opens `count` clients, `concurrency` handshakes at a time (a burst, not a stampede). */
export async function openClients(url: string, count: number, clientMode: string, concurrency = 50): Promise<OpenedClients> {
  const sockets: WebSocket[] = [];
  let extra = 0;
  const onExtra = () => void extra++;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      sockets.push(await openOne(url, clientMode, index, onExtra));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return {
    sockets,
    extraFrames: () => extra,
    close: async () => {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.onclose = () => resolve();
              ws.close();
            }),
        ),
      );
    },
  };
}
