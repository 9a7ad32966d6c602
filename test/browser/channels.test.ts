/// <reference path="../../src/control-ui/pages/channels/qrcode-vendor.d.ts" />
/**
 * The Channels page in a real browser against a real gateway. Telegram, with the fake Bot
 * API: the account's truthful status and last error (a refused token), a bot token entered in
 * the page going into the config through the validated, hash-checked write (never shown back),
 * the account connecting with it, and logout. WhatsApp, with the fake socket in an in-process
 * gateway (as test/integration/whatsapp-login.test.ts injects it): the QR drawn in the page from
 * the login's QR text and replaced on rotation, the phone's scan ending in "linked" and the
 * account connecting, logout, a pairing code for a phone number. Screenshots at 1280 and 360 px.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { systemClock } from "../../src/channels/whatsapp/clock.ts";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { closeWhatsappStores } from "../../src/channels/whatsapp/store-handle.ts";
import { qrPath } from "../../src/control-ui/pages/channels/qr-path.ts";
import { startFakeTelegram, FAKE_TELEGRAM_TOKEN } from "../fakes/telegram-bot-api.ts";
import { FakeWhatsApp, SELF_USER, type FakeWaSocket } from "../fakes/whatsapp-socket.ts";
import { hasBrowser } from "../helpers/browser.ts";
import { openControlUi, screenshotPath } from "../helpers/control-ui.ts";

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  closeWhatsappStores();
});

/** What the phone's scan does: creds gain `me`, `isNewLogin`, then WhatsApp's 515. */
function pairAndRestart(socket: FakeWaSocket): void {
  socket.credsUpdate({ me: { id: SELF_USER.id, name: "~" } });
  socket.ev.emit("connection.update", { isNewLogin: true });
  socket.close(515, "Stream Errored (restart required)");
}

describe.skipIf(!hasBrowser())("channels page", () => {
  test("telegram: status and last error, token entry through the config, connect, probe, logout", async () => {
    const tg = startFakeTelegram();
    stops.push(() => tg.stop());
    const wrongToken = "987654321:AAWrongTokenForTheUiTest_abcdefghijk";
    await using ui = await openControlUi({
      route: "channels",
      gatewayInit: {
        config: { channels: { telegram: { apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"] } } },
        expectErrors: [/telegram/i],
      },
    });
    const { page, gw } = ui;
    page.setDefaultTimeout(10_000);
    const card = page.locator('[data-channel="telegram"][data-account-id="default"]');
    await card.waitFor();
    expect(await card.getAttribute("data-state")).not.toBe("connected");

    // A token the Bot API refuses: saved, tried, and the card tells the truth about it.
    const tokenField = page.getByRole("textbox", { name: "Bot token" });
    await tokenField.fill("not a token");
    await page.getByRole("button", { name: "Save token" }).click();
    await page.getByText("That does not look like a bot token").waitFor();
    expect(JSON.parse(await readFile(join(gw.stateDir, "openclaw.json"), "utf8")).channels.telegram.botToken).toBeUndefined();
    await tokenField.fill(wrongToken);
    await page.getByRole("button", { name: "Save token" }).click();
    await page.getByText("Saved. The Telegram account default restarts with the new token").waitFor();
    expect(await tokenField.inputValue()).toBe("");
    await card.getByText("the bot token was refused (401 Unauthorized); set a new token from @BotFather").waitFor();

    // The right token: the account connects as the fake bot.
    await tokenField.fill(FAKE_TELEGRAM_TOKEN);
    await page.getByRole("button", { name: "Save token" }).click();
    await page.locator('[data-channel="telegram"][data-account-id="default"][data-state="connected"]').waitFor();
    expect(await card.textContent()).toContain("@fake_test_bot");
    await tg.waitFor("the gateway to poll Telegram", () => (tg.bot.polling ? true : undefined), 10_000);
    const onDisk = JSON.parse(await readFile(join(gw.stateDir, "openclaw.json"), "utf8"));
    expect(onDisk.channels.telegram).toMatchObject({ botToken: FAKE_TELEGRAM_TOKEN, apiRoot: tg.apiRoot, dmPolicy: "open" });
    // Never shown back: not in the page, not in the field.
    expect(await page.content()).not.toContain(FAKE_TELEGRAM_TOKEN);
    expect(await page.content()).not.toContain(wrongToken);
    await page.getByText("A token is set; a new one replaces it.").waitFor();
    // A probe asks Telegram now (getMe) and says what it answered.
    const getMes = tg.callCount("getMe");
    await page.getByRole("button", { name: "Probe now" }).click();
    await card.getByTestId("probe").getByText(/^the platform answered/).waitFor();
    expect(tg.callCount("getMe")).toBe(getMes + 1);
    await page.screenshot({ path: screenshotPath("channels-1280"), fullPage: true });

    // Logout asks first, then stops the account.
    await card.getByRole("button", { name: "Log out Telegram default" }).click();
    await card.getByRole("button", { name: "Yes, log out" }).click();
    await page.getByText(/Telegram default is stopped/).waitFor();
    await page.locator('[data-channel="telegram"][data-account-id="default"][data-state="logged out"]').waitFor();
    expect(gw.gateway.services.channels.accounts().find((a) => a.accountId === "default")?.running).toBe(false);

    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: screenshotPath("channels-360"), fullPage: true });
    expect(ui.errors).toEqual([]);
  }, 40_000);

  test("whatsapp: the QR drawn in the page rotates, the scan links, the account connects, logout; a pairing code", async () => {
    const login = new FakeWhatsApp(systemClock, { autoOpen: false });
    const account = new FakeWhatsApp(systemClock, { autoOpen: true });
    await using ui = await openControlUi({
      route: "channels",
      gatewayInit: {
        config: { channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } } },
        channels: { factories: [createWhatsAppFactory({ socketFactory: account.factory })], whatsappLoginSocket: login.factory },
      },
    });
    const { page, gw } = ui;
    page.setDefaultTimeout(10_000);
    const card = page.locator('[data-channel="whatsapp"][data-account-id="default"]');
    await card.waitFor();
    expect(await card.getAttribute("data-state")).toBe("not linked");

    const panel = page.getByTestId("whatsapp-link");
    const qrShape = panel.locator("svg.qr path");
    await panel.getByRole("button", { name: "Link WhatsApp" }).click();
    const first = await login.waitForSockets(1);
    first.qr("2@ui-one,noise,identity,adv,1");
    await page.getByRole("img", { name: "WhatsApp link QR code number 1" }).waitFor();
    expect(await qrShape.getAttribute("d")).toBe(qrPath("2@ui-one,noise,identity,adv,1").path);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: screenshotPath("channels-whatsapp-qr-360"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // WhatsApp rotates the QR: the page draws the new one.
    first.qr("2@ui-two,noise,identity,adv,1");
    await page.getByRole("img", { name: "WhatsApp link QR code number 2" }).waitFor();
    expect(await qrShape.getAttribute("d")).toBe(qrPath("2@ui-two,noise,identity,adv,1").path);
    await page.screenshot({ path: screenshotPath("channels-whatsapp-qr-1280"), fullPage: true });

    // The phone scans: linked, and the account connects without a restart.
    pairAndRestart(first);
    const second = await login.waitForSockets(2);
    second.open();
    await panel.getByText("Linked as +15550001111").waitFor();
    await qrShape.waitFor({ state: "detached" });
    await page.locator('[data-channel="whatsapp"][data-account-id="default"][data-state="connected"]').waitFor();
    await account.waitForSockets(1);

    // Log out: the link is forgotten (WhatsApp is told), the account stops.
    await card.getByRole("button", { name: "Log out WhatsApp default" }).click();
    await card.getByRole("button", { name: "Yes, log out" }).click();
    await page.getByText("WhatsApp default is logged out and its link was forgotten").waitFor();
    await page.locator('[data-channel="whatsapp"][data-account-id="default"][data-state="logged out"]').waitFor();
    expect(account.loggedOut).toBe(1);
    expect(gw.gateway.services.channels.accounts().find((a) => a.channel === "whatsapp")).toMatchObject({ linked: false, running: false });

    // Linking with a pairing code for a phone number instead: checked first, then the code is shown big.
    await panel.getByLabel("a code for a phone number").check();
    await panel.getByRole("textbox", { name: "Phone number" }).fill("12");
    await panel.getByRole("button", { name: "Link WhatsApp" }).click();
    await panel.getByText("Enter the phone's number with country code").waitFor();
    expect(login.sockets).toHaveLength(2);
    await panel.getByRole("textbox", { name: "Phone number" }).fill("+1 555 123 4567");
    await panel.getByRole("button", { name: "Link WhatsApp" }).click();
    const third = await login.waitForSockets(3);
    third.qr("2@ui-three");
    await panel.getByTestId("pairing-code").getByText("ABCD-1234").waitFor();
    expect(ui.errors).toEqual([]);
  }, 40_000);
});
