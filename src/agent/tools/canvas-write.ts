/**
 * `canvas_write`: creates or replaces a UTF-8 text file under the canvas root (at most 1 MiB),
 * creating missing directories. The file is written beside its target and renamed over it, so
 * the canvas host never serves half a file and a symlink is never written through.
 */
import { randomUUID } from "node:crypto";
import { chmod, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { t } from "../../../protocol/schema-builder.ts";
import { CANVAS_WRITE_MAX_BYTES, canvasTarget, fsRefusal } from "./canvas-path.ts";
import { ToolError, type Tool } from "./types.ts";

const parameters = t.object(
  {
    path: t.string({ minLength: 1, maxLength: 4096, description: "File path relative to the canvas root, e.g. index.html or app/main.js." }),
    content: t.string({ description: `The whole new content (UTF-8 text, at most ${CANVAS_WRITE_MAX_BYTES} bytes).` }),
  },
  { additionalProperties: false },
);

async function ensureRoot(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true, mode: 0o755 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTDIR") throw new ToolError("the canvas root is not a directory");
    throw error;
  }
}

async function replaceFile(target: string, content: string, keepModeOf: boolean): Promise<void> {
  const temp = join(dirname(target), `.canvas-write-${randomUUID()}.tmp`);
  try {
    // "wx": the temp name is new; if something appeared there, fail rather than follow it.
    await writeFile(temp, content, { flag: "wx", mode: 0o644 });
    if (keepModeOf) await chmod(temp, (await stat(target)).mode & 0o777);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export const canvasWriteTool: Tool = {
  name: "canvas_write",
  description: "Create or replace a UTF-8 text file in the canvas (the directory the canvas host serves); missing directories are created.",
  parameters,
  async run(args, ctx) {
    const requested = args.path as string;
    const content = args.content as string;
    const bytes = Buffer.byteLength(content, "utf8");
    if (bytes > CANVAS_WRITE_MAX_BYTES) throw new ToolError(`content is ${bytes} bytes; canvas_write writes at most ${CANVAS_WRITE_MAX_BYTES}`);
    await ensureRoot(ctx.canvasRoot);
    const target = await canvasTarget(ctx.canvasRoot, requested, { allowMissing: true });
    if (target.kind === "directory") throw new ToolError(`${JSON.stringify(requested)} is a directory`);
    try {
      if (target.kind === "missing") await mkdir(dirname(target.path), { recursive: true, mode: 0o755 });
      await replaceFile(target.path, content, target.kind === "file");
    } catch (error) {
      fsRefusal(error, requested);
    }
    const created = target.kind === "missing";
    return { content: `${created ? "Created" : "Replaced"} ${requested} (${bytes} bytes).`, details: { path: requested, bytes, created } };
  },
};
