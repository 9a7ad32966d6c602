/** Reply chunking: limits hold, breaks land on paragraphs and lines, code fences stay whole or are reopened. */
import { describe, expect, test } from "bun:test";
import { chunkText } from "../../src/channels/chunk.ts";

/** Every fence opened in a chunk is closed in it (fence lines counted per chunk). */
function fencesBalanced(chunk: string): boolean {
  return chunk.split("\n").filter((line) => /^ {0,3}```/.test(line)).length % 2 === 0;
}

const words = (n: number, word = "word") => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");

describe("chunkText", () => {
  test("a short text is one chunk; blank text is none", () => {
    expect(chunkText("hello", 100)).toEqual(["hello"]);
    expect(chunkText("   \n\n  ", 100)).toEqual([]);
    expect(chunkText("", 100)).toEqual([]);
  });

  test("a text of exactly the limit is one chunk", () => {
    const text = "x".repeat(100);
    expect(chunkText(text, 100)).toEqual([text]);
  });

  test("prefers a paragraph break, then a line break, then a space", () => {
    const a = "a".repeat(60);
    const b = "b".repeat(60);
    expect(chunkText(`${a}\n\n${b}`, 100)).toEqual([a, b]);
    expect(chunkText(`${a}\n${b}`, 100)).toEqual([a, b]);
    expect(chunkText(`${a} ${b}`, 100)).toEqual([a, b]);
    // A paragraph break that leaves the message nearly empty loses to a later line break.
    const lines = `${"p".repeat(10)}\n\n${"l".repeat(70)}\n${"m".repeat(50)}`;
    expect(chunkText(lines, 100)).toEqual([`${"p".repeat(10)}\n\n${"l".repeat(70)}`, "m".repeat(50)]);
  });

  test("words are never split when there is a space to break at", () => {
    const text = words(200);
    const chunks = chunkText(text, 120);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(120);
    expect(chunks.join(" ")).toBe(text);
  });

  test("a run without any break is cut hard at the limit, never inside a surrogate pair", () => {
    const text = "😀".repeat(100); // 200 UTF-16 units
    const chunks = chunkText(text, 51);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(51);
      expect(chunk.length % 2).toBe(0);
    }
    expect(chunks.join("")).toBe(text);
  });

  test("a code block that fits in one message is kept whole", () => {
    const intro = words(20);
    const code = "```ts\n" + Array.from({ length: 8 }, (_, i) => `const v${i} = ${i};`).join("\n") + "\n```";
    const outro = words(10, "end");
    const text = `${intro}\n\n${code}\n\n${outro}`;
    const chunks = chunkText(text, 200);
    expect(chunks.some((chunk) => chunk.includes(code))).toBe(true);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(200);
      expect(fencesBalanced(chunk)).toBe(true);
    }
  });

  test("a code block longer than a message is closed and reopened with its language", () => {
    const body = Array.from({ length: 60 }, (_, i) => `print("line ${i}")`);
    const text = `Here is the script:\n\n\`\`\`python\n${body.join("\n")}\n\`\`\`\n\nThat is all.`;
    const chunks = chunkText(text, 300);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(300);
      expect(fencesBalanced(chunk)).toBe(true);
    }
    // Every part of the block after the first starts by reopening it.
    const codeParts = chunks.filter((chunk) => chunk.includes('print("'));
    for (const part of codeParts.slice(1)) expect(part.startsWith("```python\n")).toBe(true);
    // No line of the script is lost or cut.
    const printed = chunks.flatMap((chunk) => chunk.split("\n")).filter((line) => line.startsWith("print("));
    expect(printed).toEqual(body);
    expect(chunks.at(-1)).toContain("That is all.");
  });

  test("an unclosed fence is treated as code to the end", () => {
    const text = "```\n" + Array.from({ length: 40 }, (_, i) => `row ${i}`).join("\n");
    const chunks = chunkText(text, 100);
    for (const chunk of chunks.slice(0, -1)) expect(fencesBalanced(chunk)).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.startsWith("```\n")).toBe(true);
  });

  test("tilde fences and inline triple backticks", () => {
    const tilde = "~~~\n" + "x\n".repeat(30) + "~~~";
    expect(chunkText(`${words(5)}\n${tilde}`, 80).every((c) => c.split("\n").filter((l) => l.startsWith("~~~")).length % 2 === 0)).toBe(true);
    // "```inline```" on one line opens no block.
    const inline = `${"say ```this``` " .repeat(10)}`;
    for (const chunk of chunkText(inline, 50)) expect(chunk.length).toBeLessThanOrEqual(50);
  });

  test("refuses a limit too small to hold a reopened fence", () => {
    expect(() => chunkText("x", 10)).toThrow(RangeError);
  });
});
