/**
 * The Logs page in a real browser against a real gateway writing its JSON-lines file log: lines
 * caused by gateway activity (refused connects, logged at debug) appear live, the level filter
 * and the text search narrow them, pause stops the tail until resumed, and Download saves the
 * file's lines (over the socket, from a Blob). Screenshots at 1280 and 360 px.
 */
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hasBrowser } from "../helpers/browser.ts";
import { eventually } from "../helpers/condition.ts";
import { openControlUi, screenshotPath } from "../helpers/control-ui.ts";
import { TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

/** A connect with a wrong token: refused, and logged at debug level as `connect refused …`. */
async function refusedConnect(gw: TestGateway): Promise<void> {
  const bad = await connectClient(gw.url, { token: "wrong-token-for-logs-page" });
  expect(bad.res.ok).toBe(false);
  bad.client.close();
}

const logFile = (gw: TestGateway) => join(gw.home, "gateway.log");

/** How many `logs.tail` calls the gateway has answered (its own RPC counter in /metrics). */
async function tailReads(gw: TestGateway): Promise<number> {
  const text = await (await fetch(`${gw.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith('openclaw_rpc_requests_total{method="logs.tail",code="ok"}'));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe.skipIf(!hasBrowser())("logs page", () => {
  test("live tail, level filter, search, pause, download", async () => {
    // Short ticks: they are the clock the pause check below waits on.
    await using ui = await openControlUi({ route: "logs", gatewayInit: { fileLog: true, policy: { tickIntervalMs: 250 } } });
    const { page, gw } = ui;
    page.setDefaultTimeout(8000);
    const rows = page.locator(".log-row:not(.notice)");
    await page.getByText(/Following .*gateway\.log/).waitFor();

    await refusedConnect(gw);
    // Debug lines are below the default "info and up".
    await page.getByLabel("Level").selectOption("debug");
    await rows.filter({ hasText: "connect refused" }).first().waitFor();
    expect(await rows.count()).toBeGreaterThan(1);

    await page.getByLabel("Search").fill("connect refused");
    await eventually("only matching rows", async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every((t) => t.includes("connect refused")) ? texts : undefined;
    });
    await page.getByLabel("Level").selectOption("info");
    await eventually("the debug rows hidden by the level filter", async () => ((await rows.filter({ hasText: "connect refused" }).count()) === 0 ? true : undefined));
    await page.getByLabel("Level").selectOption("debug");
    await page.getByLabel("Search").fill("");
    await page.screenshot({ path: screenshotPath("logs-1280"), fullPage: true });

    // Paused: no more reads, so a line written now is not shown until the tail resumes.
    const watcher = await connectClient(gw.url);
    const ticks = async (n: number) => {
      for (let i = 0; i < n; i++) await watcher.client.nextEvent("tick", 2000);
    };
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByText(/^Paused\./).waitFor();
    await ticks(2); // a read that was on its way when pausing has been answered by now
    const readsWhenPaused = await tailReads(gw);
    const refusedRows = rows.filter({ hasText: "connect refused" });
    const shownBefore = await refusedRows.count();
    const refusalsInFile = async () => (await readFile(logFile(gw), "utf8")).split("connect refused").length - 1;
    expect(await refusalsInFile()).toBe(shownBefore);
    await refusedConnect(gw);
    await eventually("the new refusal in the file", async () => ((await refusalsInFile()) === shownBefore + 1 ? true : undefined));
    // 6 ticks of 250 ms: longer than the page's 1 s between reads.
    await ticks(6);
    expect(await tailReads(gw)).toBe(readsWhenPaused);
    expect(await refusedRows.count()).toBe(shownBefore);
    await page.getByRole("button", { name: "Resume" }).click();
    await refusedRows.nth(shownBefore).waitFor();
    expect(await tailReads(gw)).toBeGreaterThan(readsWhenPaused);
    watcher.client.close();

    // Download: the file's lines as the gateway has them.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toBe("gateway.log");
    const saved = await readFile((await download.path())!, "utf8");
    const lines = saved.trimEnd().split("\n");
    for (const line of lines) expect(Object.keys(JSON.parse(line)).sort()).toEqual(["level", "message", "subsystem", "time"]);
    expect(saved.split("connect refused").length - 1).toBe(shownBefore + 1);
    const file = await readFile(logFile(gw), "utf8");
    expect(file.startsWith(saved)).toBe(true);
    await page.getByText(/Saved \d+ lines as gateway\.log/).waitFor();

    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: screenshotPath("logs-360"), fullPage: true });
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("a gateway without a file log: the page says why and what to do", async () => {
    await using ui = await openControlUi({ route: "logs" });
    await ui.page.getByText("This gateway writes no log file, so there is nothing to follow.").waitFor({ timeout: 8000 });
    expect(ui.errors).toEqual([]);
  }, 20_000);
});
