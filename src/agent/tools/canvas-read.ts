/** `canvas_read`: a UTF-8 text file under the canvas root, at most 1 MiB. */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { t } from "../../../protocol/schema-builder.ts";
import { CANVAS_READ_MAX_BYTES, canvasTarget, fsRefusal } from "./canvas-path.ts";
import { ToolError, type Tool } from "./types.ts";

const parameters = t.object(
  { path: t.string({ minLength: 1, maxLength: 4096, description: "File path relative to the canvas root, e.g. index.html." }) },
  { additionalProperties: false },
);

const tooLarge = (path: string, size: number) =>
  new ToolError(`${JSON.stringify(path)} is ${size} bytes; canvas_read reads at most ${CANVAS_READ_MAX_BYTES}`);

/** At most `max + 1` bytes, so a file that grew after the size check is still caught. */
async function readBounded(file: string, max: number): Promise<Uint8Array> {
  // O_NOFOLLOW: the real path was checked; a symlink swapped in since then is not followed.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const buffer = new Uint8Array(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

export const canvasReadTool: Tool = {
  name: "canvas_read",
  description: `Read a UTF-8 text file from the canvas (the directory the canvas host serves); at most ${CANVAS_READ_MAX_BYTES} bytes.`,
  parameters,
  async run(args, ctx) {
    const requested = args.path as string;
    const target = await canvasTarget(ctx.canvasRoot, requested);
    if (target.kind === "directory") throw new ToolError(`${JSON.stringify(requested)} is a directory; use canvas_list`);
    if (target.size > CANVAS_READ_MAX_BYTES) throw tooLarge(requested, target.size);
    const bytes = await readBounded(target.path, CANVAS_READ_MAX_BYTES).catch((error) => fsRefusal(error, requested));
    if (bytes.length > CANVAS_READ_MAX_BYTES) throw tooLarge(requested, bytes.length);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ToolError(`${JSON.stringify(requested)} is not UTF-8 text`);
    }
    return { content: text, details: { path: requested, bytes: bytes.length, content: text } };
  },
};
