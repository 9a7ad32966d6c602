/**
 * A small JSON5 reader for the Config page: the raw editor is checked in the browser before
 * anything is sent, with the line and column of a mistake, and the page learns whether the
 * text has comments (the gateway's config writer saves plain JSON, so they would be lost).
 * The gateway parses again on save; this only has to agree with it on what is valid.
 */
export class Json5Error extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = "Json5Error";
  }
}

export interface Json5Result {
  value: unknown;
  hasComments: boolean;
}

const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "0": "\0" };
const SPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const ID_START = /[\p{ID_Start}$_]/u;
const ID_PART = /[\p{ID_Continue}$_\u200c\u200d]/u;
const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F]+|(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|Infinity|NaN)/;

export function parseJson5(text: string): Json5Result {
  let pos = 0;
  let hasComments = false;

  const fail = (message: string, at = pos): never => {
    const before = text.slice(0, at).split("\n");
    throw new Json5Error(message, before.length, before[before.length - 1]!.length + 1);
  };
  const skip = () => {
    for (;;) {
      const c = text[pos];
      if (c !== undefined && SPACE.test(c)) pos++;
      else if (c === "/" && text[pos + 1] === "/") {
        hasComments = true;
        while (pos < text.length && !/[\n\r\u2028\u2029]/.test(text[pos]!)) pos++;
      } else if (c === "/" && text[pos + 1] === "*") {
        hasComments = true;
        const end = text.indexOf("*/", pos + 2);
        if (end < 0) fail("unterminated /* comment");
        pos = end + 2;
      } else return;
    }
  };
  const describe = (c: string | undefined) => (c === undefined ? "end of text" : `"${c}"`);

  const string = (): string => {
    const quote = text[pos++];
    let out = "";
    for (;;) {
      const c = text[pos];
      if (c === undefined || c === "\n" || c === "\r") fail("unterminated string");
      pos++;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[pos++];
      if (e === undefined) fail("unterminated string");
      if (e === "\r") {
        if (text[pos] === "\n") pos++;
      } else if (e === "\n" || e === "\u2028" || e === "\u2029") {
        // A line continuation: the newline is not part of the string.
      } else if (e === "x" || e === "u") {
        const len = e === "x" ? 2 : 4;
        const hex = text.slice(pos, pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`bad \\${e} escape`, pos - 2);
        out += String.fromCharCode(parseInt(hex, 16));
        pos += len;
      } else if (/[1-9]/.test(e!)) fail("bad escape", pos - 2);
      else out += ESCAPES[e!] ?? e;
    }
  };

  const identifier = (): string => {
    const start = pos;
    if (!ID_START.test(text[pos] ?? "")) fail(`expected a key, found ${describe(text[pos])}`);
    pos++;
    while (pos < text.length && ID_PART.test(text[pos]!)) pos++;
    return text.slice(start, pos);
  };

  const value = (depth: number): unknown => {
    if (depth > 200) fail("nested too deeply");
    skip();
    const c = text[pos];
    if (c === "{") return object(depth);
    if (c === "[") return array(depth);
    if (c === '"' || c === "'") return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, pos) && !ID_PART.test(text[pos + word.length] ?? "")) {
        pos += word.length;
        return v;
      }
    }
    const m = NUMBER.exec(text.slice(pos, pos + 400));
    if (m && !ID_PART.test(text[pos + m[0].length] ?? "")) {
      pos += m[0].length;
      const sign = m[0][0] === "-" ? -1 : 1;
      const body = m[0].replace(/^[+-]/, "");
      if (body === "Infinity") return sign * Infinity;
      if (body === "NaN") return NaN;
      return sign * (/^0[xX]/.test(body) ? parseInt(body, 16) : Number(body));
    }
    return fail(`unexpected ${describe(c)}`);
  };

  const object = (depth: number): Record<string, unknown> => {
    pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      skip();
      if (text[pos] === "}") {
        pos++;
        return out;
      }
      const key = text[pos] === '"' || text[pos] === "'" ? string() : identifier();
      skip();
      if (text[pos] !== ":") fail(`expected ":" after key "${key}", found ${describe(text[pos])}`);
      pos++;
      // defineProperty: a "__proto__" key is data, as in JSON.parse.
      Object.defineProperty(out, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      skip();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== "}") fail(`expected "," or "}", found ${describe(text[pos])}`);
    }
  };

  const array = (depth: number): unknown[] => {
    pos++;
    const out: unknown[] = [];
    for (;;) {
      skip();
      if (text[pos] === "]") {
        pos++;
        return out;
      }
      out.push(value(depth + 1));
      skip();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== "]") fail(`expected "," or "]", found ${describe(text[pos])}`);
    }
  };

  const result = value(0);
  skip();
  if (pos < text.length) fail(`unexpected ${describe(text[pos])} after the end of the value`);
  return { value: result, hasComments };
}
