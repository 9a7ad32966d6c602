/**
 * `canvas_list`: what is in a canvas directory, optionally recursively. Symlinks are listed as
 * such and never descended into, so a listing cannot wander outside the root or loop.
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { t } from "../../../protocol/schema-builder.ts";
import { canvasTarget, fsRefusal } from "./canvas-path.ts";
import { ToolError, type Tool } from "./types.ts";

/** Entries one call returns at most; the rest is reported as truncated. */
export const CANVAS_LIST_MAX_ENTRIES = 1000;

const parameters = t.object(
  {
    path: t.optional(t.string({ maxLength: 4096, description: "Directory relative to the canvas root; default: the root." })),
    recursive: t.optional(t.boolean({ description: "Include subdirectories (default false)." })),
  },
  { additionalProperties: false },
);

export interface CanvasEntry {
  /** Relative to the canvas root, with `/` separators. */
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  /** Bytes, for files. */
  size?: number;
}

function typeOf(entry: Dirent): CanvasEntry["type"] {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "directory";
  return entry.isFile() ? "file" : "other";
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Entries under `dir`, shown with paths starting `shown`; truncated once the cap is reached. */
async function listEntries(dir: string, shown: string, recursive: boolean): Promise<{ entries: CanvasEntry[]; truncated: boolean }> {
  const entries: CanvasEntry[] = [];
  const walk = async (current: string, prefix: string): Promise<boolean> => {
    const found = (await readdir(current, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of found) {
      if (entries.length >= CANVAS_LIST_MAX_ENTRIES) return true;
      const type = typeOf(entry);
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      entries.push(type === "file" ? { path, type, size: (await lstat(join(current, entry.name))).size } : { path, type });
      if (recursive && type === "directory" && (await walk(join(current, entry.name), path))) return true;
    }
    return false;
  };
  const truncated = await walk(dir, shown);
  return { entries, truncated };
}

export const canvasListTool: Tool = {
  name: "canvas_list",
  description: "List the files and directories in the canvas (the directory the canvas host serves).",
  parameters,
  async run(args, ctx) {
    const requested = (args.path as string | undefined) ?? "";
    // "", ".", "./a/" all name something under the root; show them the way listings print them.
    const shown = posix.normalize(`/${requested}`).slice(1).replace(/\/$/, "");
    const atRoot = requested.split("/").every((segment) => segment === "" || segment === ".");
    // A canvas nobody has written to yet has no directory: that is an empty canvas, not an error.
    if (atRoot && !(await exists(ctx.canvasRoot))) return { content: "The canvas is empty.", details: { path: "", entries: [], truncated: false } };
    const target = await canvasTarget(ctx.canvasRoot, requested);
    if (target.kind !== "directory") throw new ToolError(`${JSON.stringify(requested)} is a file; use canvas_read`);
    const { entries, truncated } = await listEntries(target.path, shown, args.recursive === true).catch((error) => fsRefusal(error, requested));
    const lines = entries.map((e) => `${e.path}${e.type === "directory" ? "/" : e.type === "symlink" ? " -> (symlink)" : ""}${e.size !== undefined ? ` (${e.size} bytes)` : ""}`);
    if (truncated) lines.push(`…(truncated at ${CANVAS_LIST_MAX_ENTRIES} entries)`);
    return { content: lines.length > 0 ? lines.join("\n") : "(empty directory)", details: { path: shown, entries, truncated } };
  },
};
