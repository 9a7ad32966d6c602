import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConsola } from "consola/core";
import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startCanvasHost, type CanvasHost } from "../../src/canvas/canvas-host.ts";
import { resolveSafePath } from "../../src/canvas/safe-path.ts";
import { silentLogger } from "../../src/log/logger.ts";

const SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";
const NOT_FOUND = JSON.stringify({ error: { message: "Not Found", type: "not_found" } });

let tmp: string;
let root: string;
let host: CanvasHost;
let base: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "canvas-host-"));
  root = path.join(tmp, "root");
  // The root does not exist yet: the host must create it.
  host = await startCanvasHost({ root, hostname: "127.0.0.1", port: 0, log: silentLogger() });
  base = host.url;

  await writeFile(path.join(tmp, "secret.txt"), SECRET);
  await writeFile(path.join(root, "index.html"), "<h1>root</h1>");
  await writeFile(path.join(root, "hello.txt"), "hello canvas");
  await writeFile(path.join(root, "style.css"), "body{}");
  await writeFile(path.join(root, "app.js"), "console.log(1)");
  await writeFile(path.join(root, "data.json"), '{"a":1}');
  await mkdir(path.join(root, "sub"));
  await writeFile(path.join(root, "sub", "index.html"), "<h1>sub</h1>");
  await mkdir(path.join(root, "empty"));
  // A literal directory called `%2e%2e`: reachable only by decoding `%252e%252e` exactly once.
  await mkdir(path.join(root, "%2e%2e"));
  await writeFile(path.join(root, "%2e%2e", "inside.txt"), "literal dots");
  await symlink("hello.txt", path.join(root, "link-in.txt"));
  await symlink(path.join(tmp, "secret.txt"), path.join(root, "link-out.txt"));
  await symlink("sub", path.join(root, "link-dir-in"));
  await symlink(tmp, path.join(root, "link-dir-out"));
});

afterAll(async () => {
  await host?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Sends a request line byte for byte, bypassing fetch()'s URL normalisation. */
async function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  const chunks: Buffer[] = [];
  const done = Promise.withResolvers<void>();
  await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      open(socket) {
        socket.write(`GET ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      },
      data: (_socket, data) => void chunks.push(Buffer.from(data)),
      close: () => done.resolve(),
      error: (_socket, error) => done.reject(error),
      connectError: (_socket, error) => done.reject(error),
    },
  });
  await done.promise;
  const text = Buffer.concat(chunks).toString("utf8");
  const split = text.indexOf("\r\n\r\n");
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  if (!match || split === -1) throw new Error(`unparseable response: ${JSON.stringify(text)}`);
  return { status: Number(match[1]), body: text.slice(split + 4) };
}

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("cache-control")).toBe("no-store");
}

describe("canvas host over HTTP", () => {
  test("binds an ephemeral port, reports its url and creates the root", async () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/__openclaw__/canvas/`);
    expect((await stat(root)).isDirectory()).toBe(true);
  });

  test("serves a file with security headers", async () => {
    const response = await fetch(base + "hello.txt");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello canvas");
    expect(response.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expectSecurityHeaders(response);
  });

  test("serves index.html for the root and for subdirectories", async () => {
    for (const [url, body] of [
      [base, "<h1>root</h1>"],
      [base + "sub/", "<h1>sub</h1>"],
      [base + "sub", "<h1>sub</h1>"],
    ] as const) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html;charset=utf-8");
      expect(await response.text()).toBe(body);
    }
  });

  test("sends content types by extension", async () => {
    const expected = {
      "style.css": "text/css;charset=utf-8",
      "app.js": "text/javascript;charset=utf-8",
      "data.json": "application/json;charset=utf-8",
    };
    for (const [name, type] of Object.entries(expected)) {
      const response = await fetch(base + name);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      await response.arrayBuffer();
    }
  });

  test("HEAD answers headers without a body", async () => {
    const response = await fetch(base + "hello.txt", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String("hello canvas".length));
    expect(response.headers.get("content-type")).toBe("text/plain;charset=utf-8");
    expectSecurityHeaders(response);
    expect(await response.text()).toBe("");
  });

  test("other methods get 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await fetch(base + "hello.txt", { method, body: method === "DELETE" ? undefined : "x" });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect(await response.json()).toEqual({ error: { message: "Method Not Allowed", type: "method_not_allowed" } });
      expectSecurityHeaders(response);
    }
  });

  test("missing files, directories without index and other paths are JSON 404s", async () => {
    for (const url of [base + "nope.txt", base + "empty/", base + "sub/nope", `http://127.0.0.1:${host.port}/other`]) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await response.text()).toBe(NOT_FOUND);
      expectSecurityHeaders(response);
    }
  });

  test("the bare prefix redirects to the slash form, keeping the query", async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/__openclaw__/canvas?x=1`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("/__openclaw__/canvas/?x=1");
    expectSecurityHeaders(response);
  });

  test("a once-encoded %2e%2e is a literal name inside the root", async () => {
    const response = await rawGet(host.port, "/__openclaw__/canvas/%252e%252e/inside.txt");
    expect(response).toEqual({ status: 200, body: "literal dots" });
  });

  const traversals = [
    "../secret.txt", "..%2fsecret.txt", "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt", "%252e%252e/secret.txt",
    "..\\secret.txt", "%5c..%5csecret.txt", "foo/../../secret.txt", "../../secret.txt", "%2e%2e/%2e%2e/secret.txt",
    "%00", "hello.txt%00.html", "%zz", "link-out.txt", "link-dir-out/secret.txt",
    "link-dir-out/root/hello.txt%2f..%2f..%2fsecret.txt",
  ];
  for (const raw of traversals) {
    test(`never escapes the root: ${raw}`, async () => {
      const response = await rawGet(host.port, "/__openclaw__/canvas/" + raw);
      expect(response.body).not.toContain(SECRET);
      expect(response).toEqual({ status: 404, body: NOT_FOUND });
    });
  }

  test("symlinks that stay inside the root are served", async () => {
    const file = await fetch(base + "link-in.txt");
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("hello canvas");
    const dir = await fetch(base + "link-dir-in/");
    expect(dir.status).toBe(200);
    expect(await dir.text()).toBe("<h1>sub</h1>");
  });

  test("refusals are logged at debug without the query string", async () => {
    const lines: string[] = [];
    const log = createConsola({ level: 999, reporters: [{ log: (entry) => lines.push(`${entry.type} ${entry.args.join(" ")}`) }] });
    const second = await startCanvasHost({ root, hostname: "127.0.0.1", port: 0, log });
    try {
      const response = await rawGet(second.port, "/__openclaw__/canvas/..%2fsecret.txt?token=hunter2");
      expect(response).toEqual({ status: 404, body: NOT_FOUND });
      const refusals = lines.filter((line) => line.includes("refused"));
      expect(refusals).toEqual(["debug canvas: refused /__openclaw__/canvas/..%2fsecret.txt (forbidden)"]);
      expect(lines.join("\n")).not.toContain("hunter2");
    } finally {
      await second.stop();
    }
  });

  test("a busy port is an error naming the port", async () => {
    const attempt = startCanvasHost({ root, hostname: "127.0.0.1", port: host.port, log: silentLogger() });
    await expect(attempt).rejects.toThrow(`canvas host port ${host.port} is already in use`);
    // The first host keeps serving.
    expect((await fetch(base + "hello.txt")).status).toBe(200);
  });
});

describe("resolveSafePath", () => {
  // fetch and Bun's request parser both normalise `..`; here the raw strings reach the primitive.
  const refusals = {
    "../secret.txt": "forbidden",
    "..%2fsecret.txt": "forbidden",
    "%2e%2e/secret.txt": "forbidden",
    "sub/..": "forbidden",
    "..\\secret.txt": "forbidden",
    "%5csecret.txt": "forbidden",
    "hello.txt%00": "forbidden",
    "%zz": "malformed",
    "%252e%252e/secret.txt": "not-found",
    "link-out.txt": "outside",
    "link-dir-out/secret.txt": "outside",
    "empty": "not-found",
  } as const;
  for (const [raw, reason] of Object.entries(refusals)) {
    test(`refuses ${raw} (${reason})`, async () => {
      expect(await resolveSafePath(root, raw)).toEqual({ ok: false, reason });
    });
  }

  test("resolves files, directories and inside symlinks to real paths", async () => {
    const realRoot = await realpath(root);
    const hello = { ok: true, path: path.join(realRoot, "hello.txt"), size: 12 } as const;
    expect(await resolveSafePath(root, "hello.txt")).toEqual(hello);
    expect(await resolveSafePath(root, "/./hello.txt")).toEqual(hello);
    expect(await resolveSafePath(root, "link-in.txt")).toEqual(hello);
    expect(await resolveSafePath(root, "")).toEqual({ ok: true, path: path.join(realRoot, "index.html"), size: 13 });
    expect(await resolveSafePath(root, "link-dir-in")).toEqual({ ok: true, path: path.join(realRoot, "sub", "index.html"), size: 12 });
  });
});
