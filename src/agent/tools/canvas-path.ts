/**
 * Where the canvas file tools may look: only under the canvas root (`ctx.canvasRoot`), decided
 * by `resolveSafeTarget` from the canvas host's safe-path module (no `..`, no absolute paths, no
 * symlink that leads out, no NUL). The checks here come first only to give the model a plain
 * reason; the containment itself is safe-path's.
 */
import { isAbsolute } from "node:path";
import { resolveSafeTarget, type SafePathRefusal } from "../../canvas/safe-path.ts";
import { ToolError } from "./types.ts";

/** Largest file `canvas_read` returns. */
export const CANVAS_READ_MAX_BYTES = 1024 * 1024;
/** Largest content `canvas_write` writes (UTF-8 bytes). */
export const CANVAS_WRITE_MAX_BYTES = 1024 * 1024;

export interface CanvasTarget {
  /** Real path on disk (symlinks inside the root followed). */
  path: string;
  kind: "file" | "directory" | "missing";
  size: number;
}

const REFUSALS: Record<SafePathRefusal, (shown: string) => string> = {
  malformed: (shown) => `path ${shown} is not a valid path`,
  forbidden: (shown) => `path ${shown} is not allowed in the canvas`,
  outside: (shown) => `path ${shown} leads outside the canvas root`,
  "not-found": (shown) => `no such file or directory in the canvas: ${shown}`,
};

/** Resolves `requested` (relative to the canvas root) or throws a ToolError saying why not. */
export async function canvasTarget(root: string, requested: string, options: { allowMissing?: boolean } = {}): Promise<CanvasTarget> {
  const shown = JSON.stringify(requested.slice(0, 200));
  if (requested.includes("\0")) throw new ToolError(`path ${shown} contains a NUL character`);
  if (requested.includes("\\")) throw new ToolError(`path ${shown} contains a backslash; use / between names`);
  if (isAbsolute(requested) || /^[a-zA-Z]:/.test(requested)) throw new ToolError(`path ${shown} must be relative to the canvas root`);
  if (requested.split("/").includes("..")) throw new ToolError(`path ${shown} may not contain '..'`);
  const resolved = await resolveSafeTarget(root, requested, options);
  if (!resolved.ok) throw new ToolError(REFUSALS[resolved.reason](shown));
  return resolved;
}

const FS_REFUSALS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ENOENT: "no longer exists",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exhausted",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
};

/** A filesystem error the model can act on becomes a ToolError; anything else is rethrown. */
export function fsRefusal(error: unknown, requested: string): never {
  const reason = FS_REFUSALS[(error as NodeJS.ErrnoException | null)?.code ?? ""];
  if (reason) throw new ToolError(`${JSON.stringify(requested.slice(0, 200))}: ${reason}`);
  throw error;
}
