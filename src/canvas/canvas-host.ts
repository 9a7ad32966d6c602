/**
 * The canvas host: a small static file server, separate from the gateway's control plane, that
 * serves the agent-written canvas files under one fixed URL prefix. It only reads files; every
 * path decision goes through `resolveSafePath`.
 */
import { mkdir } from "node:fs/promises";
import type { Logger } from "../log/logger.ts";
import { resolveSafePath } from "./safe-path.ts";

export const CANVAS_PREFIX = "/__openclaw__/canvas/";

export interface CanvasHostOptions {
  /** Directory whose files are served; created (mode 0755) if missing. */
  root: string;
  /** Interface to bind, e.g. `127.0.0.1`; also used in the returned `url`. */
  hostname: string;
  /** TCP port; 0 picks an ephemeral port (see the returned `port`). */
  port: number;
  /** Refused paths go to debug, startup to info, unexpected failures to warn. */
  log: Logger;
}

export interface CanvasHost {
  /** The port actually bound (differs from the option when it was 0). */
  port: number;
  /** Base URL of the canvas, ending in `/__openclaw__/canvas/`. */
  url: string;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

// Canvas content is agent-written and changes constantly: never cache it, never let the browser
// guess a more dangerous type, never leak the canvas URL to third parties.
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
} as const;

function withSecurity(headers: Record<string, string> = {}): Headers {
  return new Headers({ ...headers, ...SECURITY_HEADERS });
}

function jsonError(status: number, message: string, type: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { message, type } }), {
    status,
    headers: withSecurity({ "Content-Type": "application/json; charset=utf-8", ...extra }),
  });
}

const notFound = () => jsonError(404, "Not Found", "not_found");

/** Path and query as the client sent them (after Bun's URL normalisation), still percent-encoded. */
function splitTarget(url: string): { path: string; query: string } {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const target = start === -1 ? "/" : url.slice(start);
  const q = target.indexOf("?");
  return q === -1 ? { path: target, query: "" } : { path: target.slice(0, q), query: target.slice(q) };
}

async function handle(request: Request, root: string, log: Logger): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return jsonError(405, "Method Not Allowed", "method_not_allowed", { Allow: "GET, HEAD" });
  }
  const { path, query } = splitTarget(request.url);
  if (path === CANVAS_PREFIX.slice(0, -1)) {
    return new Response(null, { status: 301, headers: withSecurity({ Location: CANVAS_PREFIX + query }) });
  }
  if (!path.startsWith(CANVAS_PREFIX)) return notFound();

  const resolved = await resolveSafePath(root, path.slice(CANVAS_PREFIX.length));
  if (!resolved.ok) {
    // The query string may carry tokens, so only the path is logged.
    log.debug(`canvas: refused ${path} (${resolved.reason})`);
    return notFound();
  }

  const file = Bun.file(resolved.path);
  // 404 rather than 403 everywhere above, so a client cannot probe what exists outside the root.
  const headers = withSecurity({ "Content-Type": file.type, "Content-Length": String(resolved.size) });
  if (request.method === "HEAD") return new Response(null, { status: 200, headers });
  return new Response(file, { status: 200, headers });
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Starts the canvas file server; rejects if the port is taken. */
export async function startCanvasHost(options: CanvasHostOptions): Promise<CanvasHost> {
  const { root, hostname, port, log } = options;
  await mkdir(root, { recursive: true, mode: 0o755 });

  const internalError = (error: unknown) => {
    log.warn("canvas: request failed:", error);
    return jsonError(500, "Internal Server Error", "internal_error");
  };

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname,
      port,
      // Without this a second gateway on the same port would silently share the traffic.
      reusePort: false,
      fetch: (request) => handle(request, root, log).catch(internalError),
      error: internalError,
    });
  } catch (error) {
    if (errorCode(error) === "EADDRINUSE") {
      throw new Error(`canvas host port ${port} is already in use`, { cause: error });
    }
    throw error;
  }

  const boundPort = server.port ?? port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${boundPort}${CANVAS_PREFIX}`;
  log.info(`canvas host listening on ${url}`);
  return {
    port: boundPort,
    url,
    stop: async () => {
      await server.stop(true);
    },
  };
}
