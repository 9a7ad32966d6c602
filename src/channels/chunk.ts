/**
 * Splits a reply into messages no longer than the platform allows (channels-and-models.md §3.7):
 * at a paragraph break when one is near the limit, else at a line break, else between words, and
 * only as a last resort mid-word. A fenced code block is never cut when it fits in one message;
 * one longer than a whole message is cut at a line, closed at the end of each part and reopened
 * (with its language) at the start of the next, so every message renders as code on its own.
 */

/** Telegram's text limit is 4096; OpenClaw's default `textChunkLimit` is 4000. */
export const DEFAULT_TEXT_LIMIT = 4000;
/** Below this a limit leaves no room for a reopened fence and some text. */
export const MIN_TEXT_LIMIT = 32;
/** A break is good enough when the message it ends is at least this full. */
const MIN_FILL = 0.5;

interface Fence {
  /** Where the opening line starts. */
  start: number;
  /** Just after the opening line's newline. */
  bodyStart: number;
  /** Just after the closing line (without its newline), or the end of the text when never closed. */
  end: number;
  openLine: string;
  /** The line that closes it (indent and marker of the opening one). */
  close: string;
}

const OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const CLOSE = /^( {0,3})(`{3,}|~{3,})[ \t]*$/;

function findFences(text: string): Fence[] {
  const fences: Fence[] = [];
  let open: { start: number; bodyStart: number; openLine: string; indent: string; marker: string } | null = null;
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineEnd = offset + line.length;
    if (!open) {
      const m = OPEN.exec(line);
      // A backtick fence's info string cannot hold a backtick (CommonMark), so "```a```" is inline code.
      if (m && !(m[2]![0] === "`" && m[3]!.includes("`"))) {
        open = { start: offset, bodyStart: Math.min(lineEnd + 1, text.length), openLine: line, indent: m[1]!, marker: m[2]! };
      }
    } else {
      const m = CLOSE.exec(line);
      if (m && m[2]![0] === open.marker[0] && m[2]!.length >= open.marker.length) {
        fences.push({ start: open.start, bodyStart: open.bodyStart, end: lineEnd, openLine: open.openLine, close: open.indent + open.marker });
        open = null;
      }
    }
    offset = lineEnd + 1;
  }
  if (open) fences.push({ start: open.start, bodyStart: open.bodyStart, end: text.length, openLine: open.openLine, close: open.indent + open.marker });
  return fences;
}

const inside = (fences: readonly Fence[], at: number) => fences.some((f) => at > f.start && at < f.end);

/** The last index at or before `from` where `is` holds and no fence is cut, or -1. */
function lastSafe(from: number, fences: readonly Fence[], is: (at: number) => boolean): number {
  for (let at = from; at > 0; at--) if (is(at) && !inside(fences, at)) return at;
  return -1;
}

type Cut = { at: number; kind: "paragraph" | "line" | "space" };

/** The best place to end a message of at most `limit` characters, outside every fence. */
function bestCut(text: string, limit: number, fences: readonly Fence[]): Cut | null {
  const from = Math.min(limit, text.length - 1);
  const paragraph = lastSafe(from, fences, (at) => text[at] === "\n" && text[at + 1] === "\n");
  const line = lastSafe(from, fences, (at) => text[at] === "\n");
  const space = lastSafe(from, fences, (at) => text[at] === " " || text[at] === "\t");
  const candidates: Cut[] = [
    { at: paragraph, kind: "paragraph" as const },
    { at: line, kind: "line" as const },
    { at: space, kind: "space" as const },
  ].filter((c) => c.at > 0);
  return candidates.find((c) => c.at >= limit * MIN_FILL) ?? candidates.sort((a, b) => b.at - a.at)[0] ?? null;
}

/** Never cut between the two halves of a surrogate pair (an emoji would become two bad characters). */
function hardCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** Cuts inside a fence too long for any message: this part closes it, the next reopens it. */
function splitFence(text: string, fence: Fence, limit: number): { head: string; tail: string } | null {
  const room = limit - fence.close.length - 1;
  if (room <= fence.bodyStart || fence.openLine.length + fence.close.length + 2 >= limit) return null;
  const newline = text.lastIndexOf("\n", room);
  const byLine = newline >= fence.bodyStart;
  const at = byLine ? newline : hardCut(text, room);
  return { head: `${text.slice(0, at)}\n${fence.close}`, tail: `${fence.openLine}\n${text.slice(byLine ? at + 1 : at)}` };
}

/** The messages `text` becomes at `limit` characters each; none are empty. */
export function chunkText(text: string, limit = DEFAULT_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < MIN_TEXT_LIMIT) throw new RangeError(`text limit must be an integer of at least ${MIN_TEXT_LIMIT}`);
  const chunks: string[] = [];
  const push = (chunk: string) => {
    const trimmed = chunk.replace(/\s+$/, "");
    if (trimmed.trim()) chunks.push(trimmed);
  };
  let rest = text.replace(/^\s*\n/, "").replace(/\s+$/, "");
  while (rest.length > limit) {
    const fences = findFences(rest);
    const straddling = fences.find((f) => f.start < limit && f.end > limit);
    const split = straddling && straddling.end - straddling.start > limit ? splitFence(rest, straddling, limit) : null;
    if (split) {
      push(split.head);
      rest = split.tail;
      continue;
    }
    const cut = bestCut(rest, limit, fences);
    const at = cut?.at ?? hardCut(rest, limit);
    push(rest.slice(0, at));
    rest = rest.slice(at);
    rest = cut?.kind === "space" ? rest.replace(/^[ \t]+/, "") : rest.replace(/^\n+/, "");
  }
  push(rest);
  return chunks;
}
