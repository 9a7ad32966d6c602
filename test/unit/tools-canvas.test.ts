/**
 * The canvas file tools: reading, writing and listing under the canvas root, and every way out
 * of it refused (`..`, absolute paths, NUL, backslashes, symlinks that lead out, a dangling
 * symlink a write would create the target of). Each test gets its own temp dir.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CANVAS_READ_MAX_BYTES, CANVAS_WRITE_MAX_BYTES } from "../../src/agent/tools/canvas-path.ts";
import { createToolRegistry } from "../../src/agent/tools/registry.ts";
import { toolContext } from "../helpers/tool-context.ts";

let base: string;
let root: string;
let outside: string;
const tools = createToolRegistry().toolsFor("agent", {});

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "openclaw-canvas-tools-"));
  root = join(base, "canvas");
  outside = join(base, "outside");
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, "secret.txt"), "top secret");
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const run = (name: string, args: unknown) => tools.invoke(name, args, toolContext(null, { canvasRoot: root }));

async function refusal(name: string, args: unknown): Promise<string> {
  const outcome = await run(name, args);
  if (outcome.status !== "refused") throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  return outcome.message;
}

describe("canvas_write and canvas_read", () => {
  test("write creates the file (and missing directories), read returns it", async () => {
    expect(await run("canvas_write", { path: "app/ui/index.html", content: "<h1>hi ü</h1>" })).toEqual({
      status: "ok",
      result: { content: "Created app/ui/index.html (14 bytes).", details: { path: "app/ui/index.html", bytes: 14, created: true } },
    });
    expect(await readFile(join(root, "app/ui/index.html"), "utf8")).toBe("<h1>hi ü</h1>");
    expect(await run("canvas_read", { path: "app/ui/index.html" })).toEqual({
      status: "ok",
      result: { content: "<h1>hi ü</h1>", details: { path: "app/ui/index.html", bytes: 14, content: "<h1>hi ü</h1>" } },
    });
  });

  test("a second write replaces the file, keeps its mode and leaves no temp file behind", async () => {
    await run("canvas_write", { path: "a.txt", content: "one" });
    await chmod(join(root, "a.txt"), 0o600);
    expect(await run("canvas_write", { path: "a.txt", content: "two" })).toMatchObject({ status: "ok", result: { content: "Replaced a.txt (3 bytes).", details: { created: false } } });
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("two");
    expect((await stat(join(root, "a.txt"))).mode & 0o777).toBe(0o600);
    expect(await readdir(root)).toEqual(["a.txt"]);
  });

  test("write creates a missing canvas root", async () => {
    await rm(root, { recursive: true });
    expect((await run("canvas_write", { path: "x.txt", content: "x" })).status).toBe("ok");
    expect(await readFile(join(root, "x.txt"), "utf8")).toBe("x");
  });

  test("a symlink inside the root that stays inside is followed", async () => {
    await mkdir(join(root, "real"));
    await writeFile(join(root, "real", "page.html"), "inside");
    await symlink(join(root, "real"), join(root, "alias"));
    expect(await run("canvas_read", { path: "alias/page.html" })).toMatchObject({ status: "ok", result: { content: "inside" } });
    expect((await run("canvas_write", { path: "alias/new.html", content: "new" })).status).toBe("ok");
    expect(await readFile(join(root, "real", "new.html"), "utf8")).toBe("new");
  });

  test("size limits: read at most 1 MiB, write at most 1 MiB", async () => {
    await writeFile(join(root, "big.txt"), "a".repeat(CANVAS_READ_MAX_BYTES + 1));
    expect(await refusal("canvas_read", { path: "big.txt" })).toBe(`"big.txt" is ${CANVAS_READ_MAX_BYTES + 1} bytes; canvas_read reads at most ${CANVAS_READ_MAX_BYTES}`);
    await writeFile(join(root, "edge.txt"), "a".repeat(CANVAS_READ_MAX_BYTES));
    expect((await run("canvas_read", { path: "edge.txt" })).status).toBe("ok");
    // 3 bytes per character: under the limit in characters, over it in bytes.
    const content = "€".repeat(CANVAS_WRITE_MAX_BYTES / 3 + 1);
    expect(await refusal("canvas_write", { path: "w.txt", content })).toBe(`content is ${Buffer.byteLength(content)} bytes; canvas_write writes at most ${CANVAS_WRITE_MAX_BYTES}`);
    expect(existsSync(join(root, "w.txt"))).toBe(false);
  });

  test("binary files, directories and missing files are refused in words", async () => {
    await writeFile(join(root, "image.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]));
    expect(await refusal("canvas_read", { path: "image.png" })).toBe('"image.png" is not UTF-8 text');
    await mkdir(join(root, "dir"));
    expect(await refusal("canvas_read", { path: "dir" })).toBe('"dir" is a directory; use canvas_list');
    expect(await refusal("canvas_write", { path: "dir", content: "x" })).toBe('"dir" is a directory');
    expect(await refusal("canvas_read", { path: "nope.txt" })).toBe('no such file or directory in the canvas: "nope.txt"');
    await writeFile(join(root, "file.txt"), "x");
    expect(await refusal("canvas_write", { path: "file.txt/child.txt", content: "x" })).toBe('no such file or directory in the canvas: "file.txt/child.txt"');
  });

  test("bad arguments are refused before anything runs", async () => {
    expect(await refusal("canvas_read", {})).toBe("invalid arguments: at /: missing required argument 'path'");
    expect(await refusal("canvas_write", { path: "a.txt" })).toBe("invalid arguments: at /: missing required argument 'content'");
    expect(await refusal("canvas_write", { path: "a.txt", content: 5 })).toBe("invalid arguments: at /content: must be a string");
    expect(await readdir(root)).toEqual([]);
  });
});

describe("escapes are refused", () => {
  const escapes: [string, string, string][] = [
    ["../", "../outside/secret.txt", "may not contain '..'"],
    ["a nested ../", "sub/../../outside/secret.txt", "may not contain '..'"],
    ["a bare ..", "..", "may not contain '..'"],
    ["an absolute path", "/etc/passwd", "must be relative to the canvas root"],
    ["an absolute path into the outside dir", "/outside/secret.txt", "must be relative to the canvas root"],
    ["a drive letter", "C:/Windows/win.ini", "must be relative to the canvas root"],
    ["a NUL byte", "index.html\u0000.png", "contains a NUL character"],
    ["a backslash", "..\\outside\\secret.txt", "contains a backslash; use / between names"],
  ];
  for (const [what, path, reason] of escapes) {
    test(`${what}: read and write`, async () => {
      expect(await refusal("canvas_read", { path })).toBe(`path ${JSON.stringify(path)} ${reason}`);
      expect(await refusal("canvas_write", { path, content: "pwned" })).toBe(`path ${JSON.stringify(path)} ${reason}`);
      expect(await refusal("canvas_list", { path })).toBe(`path ${JSON.stringify(path)} ${reason}`);
      expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
    });
  }

  test("a symlinked file that points outside", async () => {
    await symlink(join(outside, "secret.txt"), join(root, "link.txt"));
    expect(await refusal("canvas_read", { path: "link.txt" })).toBe('path "link.txt" leads outside the canvas root');
    expect(await refusal("canvas_write", { path: "link.txt", content: "pwned" })).toBe('path "link.txt" leads outside the canvas root');
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("top secret");
  });

  test("a symlinked directory that points outside", async () => {
    await symlink(outside, join(root, "out"));
    expect(await refusal("canvas_read", { path: "out/secret.txt" })).toBe('path "out/secret.txt" leads outside the canvas root');
    expect(await refusal("canvas_write", { path: "out/new.txt", content: "pwned" })).toBe('path "out/new.txt" leads outside the canvas root');
    expect(await refusal("canvas_write", { path: "out/deeper/new.txt", content: "pwned" })).toBe('path "out/deeper/new.txt" leads outside the canvas root');
    expect(await refusal("canvas_list", { path: "out" })).toBe('path "out" leads outside the canvas root');
    expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
  });

  test("a dangling symlink: writing through it would create its target outside", async () => {
    await symlink(join(outside, "created.txt"), join(root, "dangling.txt"));
    await symlink(join(outside, "made-dir"), join(root, "dangling-dir"));
    expect(await refusal("canvas_write", { path: "dangling.txt", content: "pwned" })).toBe('path "dangling.txt" leads outside the canvas root');
    expect(await refusal("canvas_write", { path: "dangling-dir/x.txt", content: "pwned" })).toBe('path "dangling-dir/x.txt" leads outside the canvas root');
    expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
  });

  test("a symlink loop", async () => {
    await symlink(join(root, "loop"), join(root, "loop"));
    expect(await refusal("canvas_write", { path: "loop/x.txt", content: "x" })).toBe('path "loop/x.txt" leads outside the canvas root');
    expect(await refusal("canvas_read", { path: "loop" })).toBe('no such file or directory in the canvas: "loop"');
  });

  test("a canvas root that is itself a symlink works, and its outside is still outside", async () => {
    const linkedRoot = join(base, "linked-root");
    await symlink(root, linkedRoot);
    const ctx = toolContext(null, { canvasRoot: linkedRoot });
    expect((await tools.invoke("canvas_write", { path: "ok.txt", content: "ok" }, ctx)).status).toBe("ok");
    expect(await readFile(join(root, "ok.txt"), "utf8")).toBe("ok");
    expect((await tools.invoke("canvas_read", { path: "../outside/secret.txt" }, ctx)).status).toBe("refused");
  });
});

describe("canvas_list", () => {
  test("lists a directory, sorted, with sizes; symlinks are shown, not followed", async () => {
    await writeFile(join(root, "b.txt"), "bb");
    await mkdir(join(root, "a"));
    await writeFile(join(root, "a", "inner.txt"), "i");
    await symlink(outside, join(root, "c-out"));
    expect(await run("canvas_list", {})).toEqual({
      status: "ok",
      result: {
        content: "a/\nb.txt (2 bytes)\nc-out -> (symlink)",
        details: { path: "", entries: [{ path: "a", type: "directory" }, { path: "b.txt", type: "file", size: 2 }, { path: "c-out", type: "symlink" }], truncated: false },
      },
    });
    const recursive = await run("canvas_list", { path: "./", recursive: true });
    expect(recursive.status === "ok" && recursive.result.details).toEqual({
      path: "",
      entries: [
        { path: "a", type: "directory" },
        { path: "a/inner.txt", type: "file", size: 1 },
        { path: "b.txt", type: "file", size: 2 },
        { path: "c-out", type: "symlink" },
      ],
      truncated: false,
    });
    const sub = await run("canvas_list", { path: "a/" });
    expect(sub.status === "ok" && sub.result.details).toEqual({ path: "a", entries: [{ path: "a/inner.txt", type: "file", size: 1 }], truncated: false });
  });

  test("a canvas that does not exist yet is empty; a file is not a directory", async () => {
    await writeFile(join(root, "f.txt"), "x");
    expect(await refusal("canvas_list", { path: "f.txt" })).toBe('"f.txt" is a file; use canvas_read');
    await rm(root, { recursive: true });
    expect(await run("canvas_list", {})).toEqual({ status: "ok", result: { content: "The canvas is empty.", details: { path: "", entries: [], truncated: false } } });
    expect(await refusal("canvas_list", { path: "sub" })).toBe('no such file or directory in the canvas: "sub"');
    expect(await refusal("canvas_list", { path: ".." })).toBe(`path ".." may not contain '..'`);
  });
});
