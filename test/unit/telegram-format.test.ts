/**
 * Markdown → Telegram HTML golden cases (user-needs C5: `<>&_*[]`, tables, code, emoji), each
 * also checked by the fake Bot API's HTML parser so what we render is what Telegram accepts.
 */
import { expect, test } from "bun:test";
import { markdownToTelegramHtml, tagsBalanced } from "../../src/channels/telegram/format.ts";
import { checkTelegramHtml } from "../fakes/telegram-fake-html.ts";

const GOLDEN: [string, string][] = [
  ["Use <div> & </div> tags", "Use &lt;div&gt; &amp; &lt;/div&gt; tags"],
  ["**bold** *italic* _under_ __strong__ ~~gone~~", "<b>bold</b> <i>italic</i> <i>under</i> <b>strong</b> <s>gone</s>"],
  ["snake_case_name, 2*3*4 and a * b * c", "snake_case_name, 2*3*4 and a * b * c"],
  ["`a < b && c` and `**not bold**`", "<code>a &lt; b &amp;&amp; c</code> and <code>**not bold**</code>"],
  ["```ts\nconst x = a < b && c > d;\n```", '<pre><code class="language-ts">const x = a &lt; b &amp;&amp; c &gt; d;</code></pre>'],
  ["```\nunclosed <code>", "<pre>unclosed &lt;code&gt;</pre>"],
  ['[docs](https://example.com/a?b=1&c="2")', '<a href="https://example.com/a?b=1&amp;c=&quot;2&quot;">docs</a>'],
  ["[bad](javascript:alert(1))", "[bad](javascript:alert(1))"],
  ["# Title\n## Sub *it*", "<b>Title</b>\n<b>Sub <i>it</i></b>"],
  ["> quoted **bold**\n> second", "<blockquote>quoted <b>bold</b>\nsecond</blockquote>"],
  ["- one\n* two\n  - nested _x_", "• one\n• two\n  • nested <i>x</i>"],
  ["| a | b |\n|---|---|\n| <1> | & |", "<pre>| a | b |\n|---|---|\n| &lt;1&gt; | &amp; |</pre>"],
  ["emoji 🎉 **ünïcödé** 👍🏽", "emoji 🎉 <b>ünïcödé</b> 👍🏽"],
  ["_*[]()~`>#+-=|{}.!", "_*[]()~`&gt;#+-=|{}.!"],
  ["*a **b* c**", "*a **b* c**"],
  ["**unclosed bold", "**unclosed bold"],
];

test.each(GOLDEN)("%j renders as Telegram HTML", (markdown, html) => {
  const rendered = markdownToTelegramHtml(markdown);
  expect(rendered).toBe(html);
  expect(checkTelegramHtml(rendered)).toMatchObject({ ok: true });
});

test("a long code block stays one <pre> and keeps its visible length", () => {
  const code = Array.from({ length: 200 }, (_, i) => `if (a[${i}] < b && c > d) { x &= ${i}; }`).join("\n");
  const rendered = markdownToTelegramHtml("```js\n" + code + "\n```");
  const checked = checkTelegramHtml(rendered);
  expect(checked.ok).toBe(true);
  expect(checked.ok && checked.visible).toBe(code);
});

test("tag balance: crossed or unclosed tags are caught", () => {
  expect(tagsBalanced("<b><i>x</i></b>")).toBe(true);
  expect(tagsBalanced("<b><i>x</b></i>")).toBe(false);
  expect(tagsBalanced("<b>x")).toBe(false);
});

test("the fake's HTML check speaks Telegram's error", () => {
  expect(checkTelegramHtml("a <foo>b</foo>")).toEqual({ ok: false, description: 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 2' });
  expect(checkTelegramHtml("<b>x")).toMatchObject({ ok: false, description: expect.stringContaining("can't parse entities") });
  expect(checkTelegramHtml("1 < 2")).toMatchObject({ ok: false });
});
