/**
 * The Sessions page with 10,000 sessions (issue 13 budget: interactive ≤ 300 ms), in Debian's
 * Chromium against a real gateway in this process (test helpers: temp home, port 0).
 *
 *   bun bench/control-ui-sessions-bench.ts [--runs 5] [--sessions 10000] [--json]
 *
 * Figures, each the median of `--runs`:
 *   cold load   a fresh browser profile (no cache, no device key yet): navigation start → the
 *               first session rows in the DOM (a MutationObserver mark, no polling), handshake,
 *               device key and `sessions.list` included; plus the long tasks (> 50 ms) seen
 *   warm load   a reload in the same profile (files cached, device token kept)
 *   search      a keystroke (input event) → the matching rows on screen, 120 ms debounce included
 *   next page   a click on Next → the next rows on screen
 *   server      `sessions.list` over the WebSocket: one searched page of 50, and for scale the
 *               unpaged 10,000 rows a page without paging would have to fetch and render
 */
import type { Page } from "playwright-core";
import { AGENTS_CONFIG, INTERACTIVE_BUDGET_MS, MARK_CONNECTED_SCRIPT, MARK_ROWS_SCRIPT, seedSessions } from "../test/browser/sessions-fixture.ts";
import { hasBrowser, launchBrowser } from "../test/helpers/browser.ts";
import { PASTED_TOKEN_KEY, waitConnected } from "../test/helpers/control-ui.ts";
import { startTestGateway, TEST_TOKEN } from "../test/helpers/gateway.ts";
import { connectClient } from "../test/helpers/ws-client.ts";
import { flag, numberOption, type Row } from "./cli-args.ts";
import { median, percentiles } from "./stats.ts";

const RUNS = numberOption("runs", 5);
const SESSIONS = numberOption("sessions", 10_000);
const log = (text: string) => process.stderr.write(`${text}\n`);

/** Long tasks of the page since navigation, collected from the first script on. */
const LONG_TASKS_SCRIPT = `(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
  } catch {}
})()`;

/** Sets the search box as typing does and resolves with the ms until the count line says `expect`. */
const timedSearch = (text: string, expect: string) => `new Promise((resolve) => {
  const input = document.getElementById("sessions-search");
  const count = document.querySelector(".sessions-count");
  const started = performance.now();
  const observer = new MutationObserver(() => {
    if (count.textContent.includes(${JSON.stringify(expect)}) && !count.textContent.includes("updating")) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  });
  observer.observe(count, { subtree: true, childList: true, characterData: true });
  input.value = ${JSON.stringify(text)};
  input.dispatchEvent(new Event("input", { bubbles: true }));
})`;

const timedNext = (expect: string) => `new Promise((resolve) => {
  const count = document.querySelector(".sessions-count");
  const next = [...document.querySelectorAll(".pager button")].find((b) => b.textContent.trim() === "Next");
  const started = performance.now();
  const observer = new MutationObserver(() => {
    if (count.textContent.includes(${JSON.stringify(expect)}) && !count.textContent.includes("updating")) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  });
  observer.observe(count, { subtree: true, childList: true, characterData: true });
  next.click();
})`;

async function loadedAt(page: Page, total: string): Promise<{ rowsAt: number; connectedAt: number; longTasks: number[] }> {
  await page.getByText(`1–50 of ${total} sessions`).waitFor({ timeout: 15_000 });
  return {
    rowsAt: Number(await page.evaluate("window.__rowsAt")),
    connectedAt: Number(await page.evaluate("window.__connectedAt")),
    longTasks: (await page.evaluate("window.__longTasks")) as number[],
  };
}

async function main(): Promise<void> {
  if (!hasBrowser()) throw new Error("this bench needs /usr/bin/chromium (apt-get install -y chromium)");
  await using gw = await startTestGateway({ config: AGENTS_CONFIG });
  const seededAt = performance.now();
  seedSessions(gw, SESSIONS);
  log(`seeded ${SESSIONS + 5} sessions in ${(performance.now() - seededAt).toFixed(0)} ms`);
  const total = new Intl.NumberFormat("en-US").format(SESSIONS + 5);
  const url = `${gw.httpUrl}/#/sessions`;

  const cold: number[] = [];
  const coldConnected: number[] = [];
  const warmConnected: number[] = [];
  const warm: number[] = [];
  const longTasks: number[] = [];
  const search: number[] = [];
  const next: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await using browser = await launchBrowser();
    const page = await browser.newPage();
    await browser.context.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
    await browser.context.addInitScript(MARK_ROWS_SCRIPT);
    await browser.context.addInitScript(LONG_TASKS_SCRIPT);
    await browser.context.addInitScript(MARK_CONNECTED_SCRIPT);
    await page.goto(url);
    const first = await loadedAt(page, total);
    cold.push(first.rowsAt);
    coldConnected.push(first.connectedAt);
    longTasks.push(...first.longTasks);
    await page.reload();
    const again = await loadedAt(page, total);
    warm.push(again.rowsAt);
    warmConnected.push(again.connectedAt);
    longTasks.push(...again.longTasks);
    await waitConnected(page);
    // A different search each run, so no answer is reused: s91…s99 each match 111 sessions at 10,000.
    const term = `s9${(run % 9) + 1}`;
    const matches = SESSIONS === 10_000 ? "of 111 sessions" : "sessions";
    search.push(Number(await page.evaluate(timedSearch(term, matches))));
    next.push(Number(await page.evaluate(timedNext("51–100 of"))));
    if (browser.errors.length > 0) throw new Error(`page errors: ${browser.errors.join("; ")}`);
    log(`run ${run + 1}: cold ${first.rowsAt.toFixed(0)} ms (connected at ${first.connectedAt.toFixed(0)}), warm ${again.rowsAt.toFixed(0)} ms (connected at ${again.connectedAt.toFixed(0)}), search ${search.at(-1)!.toFixed(0)} ms, next ${next.at(-1)!.toFixed(0)} ms`);
  }

  // The gateway's side alone.
  const { client } = await connectClient(gw.url, { client: { mode: "ui" } });
  const timed = async (params: Record<string, unknown>, samples: number) => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const res = await client.rpc("sessions.list", params);
      times.push(performance.now() - started);
      bytes = JSON.stringify(res.payload).length;
    }
    return { ...percentiles(times), bytes };
  };
  const page50 = await timed({ limit: 50, search: "s99" }, 50);
  const unpaged = await timed({ limit: 10_000 }, 5);
  client.close();

  const budget = `≤ ${INTERACTIVE_BUDGET_MS} ms`;
  const rows: Row[] = [
    { id: "sessions_cold_load_ms", metric: `cold load → first rows (${total} sessions)`, value: Math.round(median(cold)), unit: "ms", budget, pass: median(cold) <= INTERACTIVE_BUDGET_MS },
    { id: "sessions_cold_connected_ms", metric: "cold load → shell connected (the shell's share)", value: Math.round(median(coldConnected)), unit: "ms", note: "handshake, new device key, loopback pairing" },
    { id: "sessions_cold_page_ms", metric: "cold: connected → first rows (this page's share)", value: Math.round(median(cold.map((t, i) => t - coldConnected[i]!))), unit: "ms" },
    { id: "sessions_warm_load_ms", metric: "warm reload → first rows", value: Math.round(median(warm)), unit: "ms", budget, pass: median(warm) <= INTERACTIVE_BUDGET_MS },
    { id: "sessions_warm_page_ms", metric: "warm: connected → first rows", value: Math.round(median(warm.map((t, i) => t - warmConnected[i]!))), unit: "ms" },
    { id: "sessions_long_tasks", metric: "long tasks (> 50 ms) during all loads", value: longTasks.length, unit: "tasks", note: longTasks.length ? `longest ${Math.max(...longTasks).toFixed(0)} ms` : "none" },
    { id: "sessions_search_ms", metric: "keystroke → matching rows", value: Math.round(median(search)), unit: "ms", note: "includes the 120 ms debounce" },
    { id: "sessions_next_page_ms", metric: "Next → next rows", value: Math.round(median(next)), unit: "ms" },
    { id: "sessions_list_page_ms", metric: "sessions.list, 50 rows with search, p50 / p99", value: Number(page50.p50.toFixed(2)), unit: "ms", note: `p99 ${page50.p99.toFixed(2)} ms, ${page50.bytes} bytes` },
    { id: "sessions_list_all_ms", metric: `sessions.list, all ${total} rows (what no paging would cost)`, value: Number(unpaged.p50.toFixed(1)), unit: "ms", note: `${(unpaged.bytes / 1024).toFixed(0)} KiB per answer` },
  ];
  if (flag("json")) {
    console.log(JSON.stringify({ date: new Date().toISOString(), bun: Bun.version, runs: RUNS, sessions: SESSIONS + 5, rows, raw: { cold, coldConnected, warm, warmConnected, search, next, longTasks } }, null, 2));
    return;
  }
  console.log("| Metric | Value | Budget | |\n|---|---:|---|---|");
  for (const row of rows) console.log(`| ${row.metric} | ${row.value} ${row.unit} | ${row.budget ?? ""} | ${row.pass === undefined ? (row.note ?? "") : row.pass ? "ok" : "OVER"} |`);
}

await main();
