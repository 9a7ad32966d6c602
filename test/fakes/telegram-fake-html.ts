/**
 * The fake Bot API's check of `parse_mode: "HTML"` text, close enough to Telegram's parser to
 * catch what matters: unknown or unclosed tags, crossed tags, a bare `<`, and the visible
 * length (what the 4096/1024 limits count). Errors read like Telegram's
 * ("can't parse entities: …" with a UTF-8 byte offset).
 */

const ALLOWED = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"]);
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

export type HtmlCheck = { ok: true; visible: string } | { ok: false; description: string };

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), "utf8");
}

/** Parses Telegram HTML; returns the visible text or the error Telegram would give. */
export function checkTelegramHtml(text: string): HtmlCheck {
  const stack: string[] = [];
  let visible = "";
  let i = 0;
  const fail = (what: string): HtmlCheck => ({ ok: false, description: `Bad Request: can't parse entities: ${what}` });
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "<") {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>/.exec(text.slice(i));
      if (!tag) return fail(`Unexpected character at byte offset ${byteOffset(text, i)}`);
      const [whole, closing, rawName] = tag;
      const name = rawName!.toLowerCase();
      if (!ALLOWED.has(name)) return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(text, i)}`);
      if (closing) {
        const open = stack.pop();
        if (open !== name) {
          return fail(open ? `Unmatched end tag at byte offset ${byteOffset(text, i)}, expected "</${open}>", found "</${name}>"` : `Unexpected end tag at byte offset ${byteOffset(text, i)}`);
        }
      } else {
        stack.push(name);
      }
      i += whole.length;
      continue;
    }
    if (ch === "&") {
      const entity = /^&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/.exec(text.slice(i));
      if (entity) {
        const body = entity[1]!;
        if (body.startsWith("#")) {
          visible += String.fromCodePoint(body[1] === "x" ? parseInt(body.slice(2), 16) : Number(body.slice(1)));
        } else if (ENTITIES[body.toLowerCase()] !== undefined) {
          visible += ENTITIES[body.toLowerCase()];
        } else {
          return fail(`Unsupported HTML entity "&${body};" at byte offset ${byteOffset(text, i)}`);
        }
        i += entity[0].length;
        continue;
      }
    }
    visible += ch;
    i++;
  }
  if (stack.length > 0) return fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`);
  return { ok: true, visible };
}
