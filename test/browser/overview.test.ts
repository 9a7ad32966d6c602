/**
 * The Overview page in a real browser against a real gateway: the truthful state from the
 * gateway, live presence updates from events, a refresh after a `seq` gap (events are not
 * replayed, so the page must re-fetch), keyboard navigation, and screenshots.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { WebSocketRoute } from "playwright-core";
import { Condition } from "../helpers/condition.ts";
import { hasBrowser, launchBrowser } from "../helpers/browser.ts";
import { openControlUi, PASTED_TOKEN_KEY, screenshotPath, waitConnected } from "../helpers/control-ui.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

// A browser, a gateway and sometimes a CLI process per test: more than the default 5 s on a loaded machine.
setDefaultTimeout(30_000);

describe.skipIf(!hasBrowser())("overview page", () => {
  test("shows version, health, parts, channels and clients as the gateway reports them", async () => {
    await using ui = await openControlUi();
    const { page, gw } = ui;
    await page.locator('[data-testid="overview"][data-live="true"]').waitFor();
    expect(await page.getByTestId("version").textContent()).toBe(gw.gateway.services.version);
    expect(await page.getByTestId("health-state").textContent()).toBe(gw.gateway.services.health.snapshot().ok ? "ok" : "degraded");
    const parts = gw.gateway.services.parts.snapshot();
    for (const name of ["tick", "health", "agent", "channels"]) {
      const row = page.locator(`[data-part="${name}"]`);
      await row.waitFor();
      expect(await row.locator(".badge").textContent()).toBe(parts[name]!.state);
    }
    expect(await page.locator('[data-part="agent"] .detail').textContent()).toContain("no model configured");
    expect(await page.locator('section[aria-labelledby="channels-h"]').textContent()).toContain("No channel is configured. Add one on the Channels page.");
    await page.getByTestId("presence").getByText("Control UI").waitFor();
    expect(ui.errors).toEqual([]);
  });

  test("a client appearing elsewhere shows up live, without a reload", async () => {
    await using ui = await openControlUi();
    await ui.page.locator('[data-testid="overview"][data-live="true"]').waitFor();
    const { client } = await connectClient(ui.gw.url);
    try {
      const reply = await client.rpc("system-event", { text: "build box online", host: "build-box", mode: "ui", instanceId: "build-box-1" });
      expect(reply.ok).toBe(true);
      await ui.page.getByTestId("presence").getByText("build-box").waitFor({ timeout: 5000 });
    } finally {
      client.close();
    }
    expect(ui.errors).toEqual([]);
  });

  test("a seq gap makes the page re-fetch health and presence", async () => {
    await using gw = await startTestGateway();
    await using browser = await launchBrowser();
    const page = await browser.newPage();
    await page.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
    // Sit between page and gateway: drop one event frame on request, and record what the page sends.
    const seen = new Condition();
    const sent: { method: string; at: number }[] = [];
    let dropNext = false;
    let dropped: number | null = null;
    let presenceCallsAtDrop = 0;
    await page.routeWebSocket(/.*/, (ws: WebSocketRoute) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const frame = JSON.parse(String(message));
        if (dropNext && frame.type === "event" && typeof frame.seq === "number" && frame.event === "presence") {
          dropNext = false;
          dropped = frame.seq;
          // Counted here: any later event (a tick too) may reveal the gap before the test looks.
          presenceCallsAtDrop = sent.filter((s) => s.method === "system-presence").length;
          seen.wake();
          return;
        }
        ws.send(message);
      });
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message));
        if (frame.type === "req") sent.push({ method: frame.method, at: Date.now() });
        seen.wake();
        server.send(message);
      });
    });
    await page.goto(`${gw.httpUrl}/#/overview`);
    await waitConnected(page);
    await page.locator('[data-testid="overview"][data-live="true"]').waitFor();
    // The refresh after connecting is done once both answers are in.
    await seen.waitFor("the refresh after connecting", () => (sent.filter((s) => s.method === "system-presence").length >= 1 ? true : undefined));

    const { client } = await connectClient(gw.url);
    try {
      dropNext = true;
      await client.rpc("system-event", { text: "first", host: "first-box", mode: "ui", instanceId: "first" });
      await seen.waitFor("the dropped presence event", () => (dropped !== null ? true : undefined));
      await client.rpc("system-event", { text: "second", host: "second-box", mode: "ui", instanceId: "second" });
      await seen.waitFor("a re-fetch after the gap", () => (sent.filter((s) => s.method === "system-presence").length > presenceCallsAtDrop ? true : undefined), 5000, () => ` (at drop ${presenceCallsAtDrop}, now ${JSON.stringify(sent)}, dropped seq ${dropped})`);
      expect(sent.filter((s) => s.method === "health").length).toBeGreaterThanOrEqual(2);
      await page.getByTestId("presence").getByText("first-box").waitFor();
      await page.getByTestId("presence").getByText("second-box").waitFor();
    } finally {
      client.close();
    }
    expect(browser.errors).toEqual([]);
  });

  test("the navigation works from the keyboard and shows where the focus is", async () => {
    await using ui = await openControlUi();
    const { page } = ui;
    const focused = async () => page.evaluate("document.activeElement?.textContent?.trim() ?? ''");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    expect(await page.getByRole("button", { name: "Skip to content" }).isVisible()).toBe(true);
    await page.keyboard.press("Tab"); // brand link
    await page.keyboard.press("Tab"); // first nav link (the menu button is hidden on desktops)
    expect(await focused()).toBe("Overview");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Chat");
    const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
    expect(outline).toBe("solid");
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/chat$/);
    // The nav marks the new page once the route has rendered (after the URL changed).
    await page.locator('nav a[aria-current="page"]', { hasText: "Chat" }).waitFor({ timeout: 5000 });
    // The focus moves on into the page (once the route has rendered).
    await page.locator("main#main:focus").waitFor({ timeout: 5000 });
  });

  test("screenshots at 360 px (menu) and 1280 px, light and dark", async () => {
    await using ui = await openControlUi({ width: 1280 });
    const { page } = ui;
    await page.locator('[data-testid="overview"][data-live="true"]').waitFor();
    await page.getByTestId("presence").getByText("Control UI").waitFor();
    await page.screenshot({ path: screenshotPath("overview-1280"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    const toggle = page.getByRole("button", { name: "Menu" });
    expect(await toggle.isVisible()).toBe(true);
    expect(await page.locator("nav#nav").isVisible()).toBe(false);
    const overflow = await page.evaluate("document.documentElement.scrollWidth <= 360");
    expect(overflow).toBe(true);
    await page.screenshot({ path: screenshotPath("overview-360"), fullPage: true });
    await toggle.click();
    expect(await page.locator("nav#nav").isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath("overview-360-menu") });
    await page.emulateMedia({ colorScheme: "dark" });
    await toggle.click();
    await page.screenshot({ path: screenshotPath("overview-360-dark"), fullPage: true });
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(17, 19, 23)");
    expect(ui.errors).toEqual([]);
  });
});
