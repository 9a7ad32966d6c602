/**
 * Reads a slice of the JSON-lines log for `logs.tail`: from the caller's cursor to the end,
 * at most `maxBytes`, complete lines only, so a follower never sees half a line and never
 * skips one. A cursor past the end (the file was rotated) or too far behind resets.
 */
import { stat } from "node:fs/promises";
import type { LogsTailParams, LogsTailResult } from "../../protocol/methods/logs.ts";

export const DEFAULT_TAIL_LIMIT = 500;
export const DEFAULT_TAIL_MAX_BYTES = 250_000;

export async function tailLog(file: string, params: LogsTailParams): Promise<LogsTailResult> {
  const limit = params.limit ?? DEFAULT_TAIL_LIMIT;
  const maxBytes = params.maxBytes ?? DEFAULT_TAIL_MAX_BYTES;
  const size = await stat(file).then((s) => s.size, () => 0);
  const cursor = params.cursor;
  const reset = cursor !== undefined && (cursor > size || size - cursor > maxBytes);
  const start = cursor !== undefined && !reset ? cursor : Math.max(0, size - maxBytes);
  // Jumping into the middle of the file: read one byte earlier so a line that starts exactly
  // at `start` is recognised as whole, then drop the partial line before the first newline.
  const midLine = start > 0 && (cursor === undefined || reset);
  const base = midLine ? start - 1 : start;
  const bytes = new Uint8Array(await Bun.file(file).slice(base, size).arrayBuffer().catch(() => new ArrayBuffer(0)));
  const from = midLine ? bytes.indexOf(10) + 1 : 0;
  // A trailing partial line is left for the next call.
  const lastNewline = bytes.lastIndexOf(10);
  const to = lastNewline >= from ? lastNewline + 1 : from;
  const text = new TextDecoder().decode(bytes.subarray(from, to));
  let lines = text === "" ? [] : text.slice(0, -1).split("\n");
  const truncated = lines.length > limit || (start > 0 && (cursor === undefined || reset));
  if (lines.length > limit) lines = lines.slice(-limit);
  return { file, cursor: base + to, size, lines, ...(truncated ? { truncated } : {}), ...(reset ? { reset } : {}) };
}
