/**
 * Bun's JSON5 parser reports what is wrong but not where (its line/column point at our own
 * call site). The error position is the shortest prefix of the text that already fails with
 * the same message; finding it costs a few parses, and only when a config is broken.
 */
const MAX_SCAN_CHARS = 256 * 1024;

function errorOf(text: string): string | null {
  try {
    Bun.JSON5.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function locateJson5Error(text: string, message: string): { line: number; column: number } | null {
  if (text.length > MAX_SCAN_CHARS) return null;
  for (let end = 1; end <= text.length; end++) {
    if (errorOf(text.slice(0, end)) !== message) continue;
    const before = text.slice(0, end - 1);
    const line = before.split("\n").length;
    const column = end - 1 - before.lastIndexOf("\n");
    return { line, column };
  }
  return null;
}
