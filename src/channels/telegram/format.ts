/**
 * Markdown (what models write) to Telegram HTML (`parse_mode: "HTML"`). HTML because its only
 * reserved characters are `<`, `>` and `&`, which we always escape; MarkdownV2 needs eighteen
 * characters escaped and rejects whole messages over one miss (user-needs C5).
 *
 * Supported: **bold** and __bold__, *italic* and _italic_, ~~strike~~, `code`, fenced code blocks,
 * [links](https://…), headings (bold), `>` quotes, `-`/`*` bullets, and tables (kept aligned
 * in <pre>). Anything else stays literal text. If emphasis would produce crossed tags, the line
 * is sent without emphasis rather than risking a "can't parse entities" refusal; the sender
 * still retries as plain text should Telegram refuse anyway.
 */

const OPEN = "\uE000";
const CLOSE = "\uE001";
const PLACEHOLDER = /\uE000(\d+)\uE001/g;
const LINK_SCHEMES = /^(https?:|tg:|mailto:)/i;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

function emphasis(html: string): string {
  return html
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<b>$1</b>")
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<b>$2</b>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<s>$1</s>")
    .replace(/(^|[^\w*])\*([^*]*?[^\s*])\*(?![\w*])/g, (match, pre: string, body: string) => (/^\s/.test(body) ? match : `${pre}<i>${body}</i>`))
    .replace(/(^|[^\w])_([^_]*?[^\s_])_(?!\w)/g, (match, pre: string, body: string) => (/^\s/.test(body) ? match : `${pre}<i>${body}</i>`));
}

/** Tags properly nested and closed: what Telegram's parser requires. */
export function tagsBalanced(html: string): boolean {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-z-]+)[^>]*>/g)) {
    const [, closing, name] = match;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

/** One line (or quote body) of inline markdown. */
function renderInline(source: string): string {
  const tokens: string[] = [];
  const hold = (html: string) => `${OPEN}${tokens.push(html) - 1}${CLOSE}`;
  let text = source
    .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) => hold(`<code>${escapeHtml(code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1"))}</code>`))
    .replace(/\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (match, label: string, url: string) =>
      LINK_SCHEMES.test(url) ? hold(`<a href="${escapeAttribute(url)}">${safeEmphasis(escapeHtml(label))}</a>`) : match,
    )
    .replace(/<(https?:\/\/[^\s>]+)>/g, (_m, url: string) => hold(`<a href="${escapeAttribute(url)}">${escapeHtml(url)}</a>`));
  text = safeEmphasis(escapeHtml(text));
  return text.replace(PLACEHOLDER, (match, index: string) => tokens[Number(index)] ?? match);
}

function safeEmphasis(escaped: string): string {
  const styled = emphasis(escaped);
  return tagsBalanced(styled) ? styled : escaped;
}

function codeBlock(lines: string[], language: string): string {
  const body = escapeHtml(lines.join("\n"));
  return language ? `<pre><code class="language-${escapeAttribute(language)}">${body}</code></pre>` : `<pre>${body}</pre>`;
}

const FENCE = /^\s*(```+|~~~+)\s*([\w+#.-]*)\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;

/** Renders markdown as Telegram HTML. */
export function markdownToTelegramHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      // An unclosed fence runs to the end: models get cut off mid-block.
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(marker); i++) body.push(lines[i]!);
      out.push(codeBlock(body, fence[2] ?? ""));
      continue;
    }
    if (TABLE_ROW.test(line) && TABLE_ROW.test(lines[i + 1] ?? "")) {
      const rows: string[] = [];
      for (; i < lines.length && TABLE_ROW.test(lines[i]!); i++) rows.push(lines[i]!.trim());
      i--;
      out.push(`<pre>${escapeHtml(rows.join("\n"))}</pre>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]!); i++) quoted.push(renderInline(lines[i]!.replace(/^\s*>\s?/, "")));
      i--;
      out.push(`<blockquote>${quoted.join("\n")}</blockquote>`);
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`<b>${renderInline(heading[1]!)}</b>`);
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1]}• ${renderInline(bullet[2]!)}`);
      continue;
    }
    out.push(renderInline(line));
  }
  return out.join("\n");
}
