/**
 * The ceiling: the least a JSON-RPC-over-WebSocket server on this runtime can do per request.
 * It answers `{"type":"req","id":X,"method":"health"}` with a `res` frame carrying a payload
 * of the same shape and size as the gateway's health response.
 *
 * Two flavours, so the ratio can be read both ways:
 *  - "json": JSON.parse the request and JSON.stringify the whole response object each time,
 *    the work any server that does not cache serialized payloads must do (used for the ratio);
 *  - "raw":  JSON.parse the request, splice the id into a pre-serialized payload (the
 *    absolute floor; shown for information).
 */
import type { Server } from "bun";

export type EchoFlavour = "json" | "raw";

export interface EchoServer {
  url: string;
  stop(): Promise<void>;
}

export function startEchoServer(payload: unknown, flavour: EchoFlavour): EchoServer {
  const payloadJson = JSON.stringify(payload);
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    development: false,
    fetch(request, srv) {
      if (srv.upgrade(request, { data: undefined })) return undefined;
      return new Response("echo", { status: 200 });
    },
    websocket: {
      message(ws, message) {
        const frame = JSON.parse(typeof message === "string" ? message : message.toString()) as { id: string; method: string };
        if (flavour === "raw") ws.send(`{"type":"res","id":${JSON.stringify(frame.id)},"ok":true,"payload":${payloadJson}}`);
        else ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload }));
      },
    },
  });
  return {
    url: `ws://127.0.0.1:${server.port}`,
    stop: async () => {
      await server.stop(true);
    },
  };
}
