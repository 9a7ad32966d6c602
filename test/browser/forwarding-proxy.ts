/**
 * A reverse proxy on 127.0.0.1 that forwards HTTP and WebSocket traffic to a gateway and adds
 * `X-Forwarded-For: <client>`. With `gateway.trustedProxies: ["127.0.0.1"]` the gateway then
 * sees a remote browser, which is how a browser on another machine reaches it through nginx or
 * Caddy. Every loopback address (127.0.0.2 too) counts as local to the gateway, so this is the
 * way to test pairing of a non-local browser on one machine.
 */
import type { ServerWebSocket } from "bun";

export interface ForwardingProxy {
  port: number;
  url: string;
  /** Where to forward; set once the gateway listens. */
  target: { port: number };
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Link {
  upstream: WebSocket;
  queued: (string | Buffer)[];
}

export function startForwardingProxy(clientAddress = "203.0.113.7"): ForwardingProxy {
  const target = { port: 0 };
  const server = Bun.serve<Link | undefined>({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request, srv) {
      const url = new URL(request.url);
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const origin = request.headers.get("origin");
        const upstream = new WebSocket(`ws://127.0.0.1:${target.port}${url.pathname}`, {
          headers: { "x-forwarded-for": clientAddress, ...(origin ? { origin } : {}) },
        } as unknown as string[]);
        const link: Link = { upstream, queued: [] };
        if (srv.upgrade(request, { data: link })) return undefined;
        upstream.close();
        return new Response("upgrade failed", { status: 400 });
      }
      const headers = new Headers(request.headers);
      headers.set("x-forwarded-for", clientAddress);
      headers.delete("host");
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return fetch(`http://127.0.0.1:${target.port}${url.pathname}${url.search}`, { method: request.method, headers, body, redirect: "manual" });
    },
    websocket: {
      open(ws: ServerWebSocket<Link | undefined>) {
        const link = ws.data!;
        link.upstream.onopen = () => {
          for (const message of link.queued.splice(0)) link.upstream.send(message);
        };
        link.upstream.onmessage = (event) => ws.send(typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer));
        link.upstream.onclose = (event) => ws.close(event.code === 1005 || event.code === 1006 ? 1000 : event.code, event.reason);
      },
      message(ws, message) {
        const link = ws.data!;
        if (link.upstream.readyState === WebSocket.OPEN) link.upstream.send(message);
        else link.queued.push(message);
      },
      close(ws) {
        ws.data?.upstream.close();
      },
    },
  });
  const stop = async () => {
    await server.stop(true);
  };
  return { port: server.port!, url: `http://127.0.0.1:${server.port}`, target, stop, [Symbol.asyncDispose]: stop };
}
