/**
 * A release directory served over HTTP on 127.0.0.1:0, as users would see the base URL
 * (`<base>/latest`, `<base>/<version>/manifest.json`, …), with hooks tests use to break it: a file
 * can be served corrupted or answered with 404, and every request is counted.
 */
import { realpathSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve, sep } from "node:path";

export interface ReleaseServer {
  /** `http://127.0.0.1:<port>`, no trailing slash: what `OPENCLAW_INSTALL_BASE` is set to. */
  base: string;
  port: number;
  /** Serve `path` (relative to the root, e.g. `0.1.0/openclaw-0.1.0-linux-x64.tar.gz`) with one byte flipped in the middle. */
  corrupt(path: string): void;
  /** Answer `path` with 404 as if it were not published. */
  missing(path: string): void;
  /** Serve `path` normally again. */
  restore(path: string): void;
  /** Requests for `path` so far (all paths when omitted). */
  requests(path?: string): number;
  /** Every request path so far, in order. */
  log(): string[];
  stop(): void;
  [Symbol.dispose](): void;
}

function flipMiddleByte(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes);
  if (copy.length > 0) copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0xff;
  return copy;
}

export function startReleaseServer(root: string): ReleaseServer {
  const top = realpathSync(root);
  const corrupted = new Set<string>();
  const missing = new Set<string>();
  const seen: string[] = [];
  const clean = (path: string) => path.replace(/^\/+/, "");

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = clean(decodeURIComponent(new URL(request.url).pathname));
      seen.push(path);
      if (request.method !== "GET" && request.method !== "HEAD") return new Response("method not allowed\n", { status: 405 });
      if (missing.has(path)) return new Response("not found\n", { status: 404 });
      const file = resolve(top, path);
      // Only what is inside the release dir: `..` in a request must not reach the test's other files.
      if (file !== top && !file.startsWith(top + sep)) return new Response("not found\n", { status: 404 });
      if (!(await stat(file).then((s) => s.isFile(), () => false))) return new Response("not found\n", { status: 404 });
      const handle = Bun.file(file);
      if (!corrupted.has(path)) return new Response(handle);
      return new Response(flipMiddleByte(await handle.bytes()));
    },
  });
  const stop = () => void server.stop(true);
  return {
    base: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    corrupt: (path) => void corrupted.add(clean(path)),
    missing: (path) => void missing.add(clean(path)),
    restore: (path) => {
      corrupted.delete(clean(path));
      missing.delete(clean(path));
    },
    requests: (path) => (path === undefined ? seen.length : seen.filter((p) => p === clean(path)).length),
    log: () => [...seen],
    stop,
    [Symbol.dispose]: stop,
  };
}
