/**
 * The Chat page in a real browser against a real gateway whose model is the fake
 * OpenAI-compatible server: a round trip sent with the keyboard whose reply streams in (partial
 * text on screen before the final), the history after a reload, a tool card from a tool call,
 * Stop in the middle of a slow reply, and the gateway's own words when no model is configured.
 * Screenshots at 1280 and 360 px.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import type { FakeScript } from "../fakes/sse.ts";
import { hasBrowser } from "../helpers/browser.ts";
import { openControlUi, screenshotPath, waitConnected } from "../helpers/control-ui.ts";

const fakes: FakeOpenAI[] = [];
afterAll(() => Promise.all(fakes.map((f) => f.stop())));

function fakeModel(script: FakeScript) {
  const fake = startFakeOpenAI({ script });
  fakes.push(fake);
  const config = {
    models: { providers: { fake: { baseUrl: fake.baseUrl, apiKey: "sk-fake-ui-0123456789", api: "openai-completions", models: [{ id: "m" }] } } },
    agents: { defaults: { model: { primary: "fake/m" } } },
  };
  return { fake, config };
}

const REPLY = "Hello from the fake model, one slow piece at a time.";

describe.skipIf(!hasBrowser())("chat page", () => {
  test("send with Enter, the reply streams in before it is final, and a reload shows the history", async () => {
    // Six pieces 250 ms apart: the page's 150 ms deltas show partial text for over a second.
    const { fake, config } = fakeModel([{ type: "text", text: REPLY, chunks: 6, chunkDelayMs: 250 }]);
    await using ui = await openControlUi({ route: "chat", gatewayInit: { config } });
    const { page, gw } = ui;
    // Labelled controls: each is found by its label.
    await page.getByLabel("Agent").waitFor();
    expect(await page.getByLabel("Session").inputValue()).toBe("agent:main:main");
    await page.getByText("No messages yet.").waitFor();

    const box = page.getByLabel("Message");
    await box.fill("Say hello slowly");
    await box.press("Enter");
    // The message shows at once, before the gateway has stored it.
    await page.locator('.msg-user:has-text("Say hello slowly")').waitFor();

    const streaming = page.locator('.msg[data-state="streaming"] .msg-text');
    await streaming.waitFor();
    const partial = (await streaming.textContent()) ?? "";
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(REPLY.length);
    expect(REPLY.startsWith(partial)).toBe(true);
    // While it streams, the reply can be stopped.
    await page.getByRole("button", { name: "Stop" }).waitFor();

    const final = page.locator(".msg-assistant:not([data-state])");
    await final.waitFor({ timeout: 10_000 });
    expect(await final.textContent()).toBe(REPLY);
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "detached" });
    expect(gw.gateway.services.sessions.transcript("agent:main:main").map((e) => e.message)).toEqual([
      { role: "user", content: "Say hello slowly" },
      { role: "assistant", content: REPLY },
    ]);
    expect(fake.requests).toHaveLength(1);
    // The box was emptied once the gateway took the message.
    expect(await box.inputValue()).toBe("");
    await page.screenshot({ path: screenshotPath("chat-1280"), fullPage: true });

    // After a reload the same session and its history come back from the gateway.
    await page.reload();
    await waitConnected(page);
    await page.locator(".msg-assistant", { hasText: REPLY }).waitFor();
    await page.locator(".msg-user", { hasText: "Say hello slowly" }).waitFor();
    expect(await page.locator(".msg").count()).toBe(2);

    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: screenshotPath("chat-360"), fullPage: true });
    // Nothing wider than the screen at 360 px.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("a second message sent while the first reply streams waits its turn; both land in order", async () => {
    const { config } = fakeModel([
      { type: "text", text: "First answer, told slowly.", chunks: 5, chunkDelayMs: 200 },
      { type: "text", text: "Second answer." },
    ]);
    await using ui = await openControlUi({ route: "chat", gatewayInit: { config } });
    const { page, gw } = ui;
    const box = page.getByLabel("Message");
    await box.fill("first");
    await box.press("Enter");
    await page.locator('.msg[data-state="streaming"]').waitFor();
    await box.fill("second");
    await box.press("Enter");
    // Shown at once, below the reply still streaming.
    await page.locator('.msg-user[data-state="pending"]', { hasText: "second" }).waitFor();
    await page.locator(".msg-assistant:not([data-state])", { hasText: "Second answer." }).waitFor({ timeout: 10_000 });
    expect(await page.locator(".msg .msg-text").allTextContents()).toEqual(["first", "First answer, told slowly.", "second", "Second answer."]);
    expect(gw.gateway.services.sessions.transcript("agent:main:main").map((e) => e.message.content)).toEqual(["first", "First answer, told slowly.", "second", "Second answer."]);
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("a tool call shows as a card with its result, live and again from the history", async () => {
    const { config } = fakeModel([
      { type: "tool_calls", calls: [{ name: "sessions_list", arguments: { limit: 5 } }] },
      { type: "text", text: "You have one session.", chunkDelayMs: 100 },
    ]);
    await using ui = await openControlUi({ route: "chat?session=agent:main:tools", gatewayInit: { config } });
    const { page } = ui;
    expect(await page.getByLabel("Session").inputValue()).toBe("agent:main:tools");
    await page.getByLabel("Message").fill("How many sessions do I have?");
    await page.getByRole("button", { name: "Send" }).click();

    const card = page.locator('.tool-card[data-tool="sessions_list"]');
    await card.waitFor();
    await page.locator(".msg-assistant:not([data-state])", { hasText: "You have one session." }).waitFor({ timeout: 10_000 });
    expect(await card.locator(".tool-state").textContent()).toBe("done");
    // Opened with the keyboard: the summary is focusable and Enter toggles it.
    await card.locator("summary").focus();
    await page.keyboard.press("Enter");
    expect(await card.locator("pre").first().textContent()).toContain('"limit": 5');
    expect(await card.locator(".tool-section").last().textContent()).toContain("agent:main:tools");
    await page.screenshot({ path: screenshotPath("chat-tools-1280"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: screenshotPath("chat-tools-360"), fullPage: true });
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);

    await page.reload();
    await waitConnected(page);
    const stored = page.locator('.tool-card[data-tool="sessions_list"]');
    await stored.waitFor();
    expect(await stored.locator(".tool-state").textContent()).toBe("done");
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("Stop ends a slow reply: the partial text stays marked as stopped, the model request is cut", async () => {
    const { fake, config } = fakeModel([{ type: "text", text: "word ".repeat(40), chunks: 40, chunkDelayMs: 150 }]);
    await using ui = await openControlUi({ route: "chat", gatewayInit: { config } });
    const { page, gw } = ui;
    await page.getByLabel("Message").fill("Talk for a long time");
    await page.getByLabel("Message").press("Enter");
    await page.locator('.msg[data-state="streaming"]').waitFor();
    await page.getByRole("button", { name: "Stop" }).click();

    await page.locator('[data-run-state="aborted"]').waitFor();
    await page.getByText("Stopped. This partial reply was not saved.").waitFor();
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "detached" });
    expect(await fake.requests[0]!.ended).toBe("client-closed");
    // The gateway kept the question, not the cut answer.
    await page.locator(".msg-user:not([data-state])", { hasText: "Talk for a long time" }).waitFor();
    expect(gw.gateway.services.sessions.transcript("agent:main:main").map((e) => e.message.role)).toEqual(["user"]);
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("a failing provider: the reply says why and what to check; New chat opens an empty session", async () => {
    const { config } = fakeModel([{ type: "http_error", status: 401, message: "Incorrect API key provided" }]);
    await using ui = await openControlUi({ route: "chat", gatewayInit: { config } });
    const { page } = ui;
    await page.getByLabel("Message").fill("anyone there?");
    await page.getByLabel("Message").press("Enter");
    const failed = page.locator('[data-run-state="error"] .run-error');
    await failed.waitFor({ timeout: 10_000 });
    const text = (await failed.textContent()) ?? "";
    expect(text).toContain("The reply failed:");
    expect(text).toContain("Incorrect API key provided");
    expect(text).toContain("agents.defaults.model");
    // The question is stored and shown before the failure.
    await page.locator(".msg-user:not([data-state])", { hasText: "anyone there?" }).waitFor();

    await page.getByRole("button", { name: "New chat" }).click();
    await page.getByText("No messages yet.").waitFor();
    const key = await page.getByLabel("Session").inputValue();
    expect(key).toMatch(/^agent:main:control-ui:\d{12}-[0-9a-f]{4}$/);
    expect(page.url()).toContain(`#/chat?session=${encodeURIComponent(key)}`);
    expect(await page.locator(".msg").count()).toBe(0);
    // The first session is still one pick away.
    await page.getByLabel("Session").selectOption("agent:main:main");
    await page.locator(".msg-user", { hasText: "anyone there?" }).waitFor();
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("without a model the send fails with the gateway's message naming agents.defaults.model, and the text is kept", async () => {
    await using ui = await openControlUi({ route: "chat" });
    const { page } = ui;
    await page.getByLabel("Message").fill("hello?");
    await page.getByRole("button", { name: "Send" }).click();
    const alert = page.locator(".chat-error[role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Could not send the message: no model configured: set agents.defaults.model");
    expect(await page.getByLabel("Message").inputValue()).toBe("hello?");
    expect(await page.locator(".msg-user").count()).toBe(0);
    expect(ui.errors).toEqual([]);
  }, 20_000);
});
