/**
 * The Devices page in a real browser against a real gateway: a remote device asking to pair
 * (a second real client over WebSocket) shows up live and is approved with a click, after which
 * that device connects; its token is rotated from the page (shown once) and the device removed;
 * a node asking to pair is approved and listed with its commands. Screenshots at 1280 and 360 px.
 */
import { describe, expect, test } from "bun:test";
import { hasBrowser } from "../helpers/browser.ts";
import { openControlUi, screenshotPath } from "../helpers/control-ui.ts";
import { connectClient, generateDeviceKeyPair } from "../helpers/ws-client.ts";

/** The gateway treats this as a remote peer (as test/integration/pairing.test.ts does), so it must be approved. */
const REMOTE = { "X-Forwarded-For": "203.0.113.9" };

describe.skipIf(!hasBrowser())("devices page", () => {
  test("approve a waiting device, rotate its token, remove it; approve a node", async () => {
    await using ui = await openControlUi({ route: "devices" });
    const { page, gw } = ui;
    page.setDefaultTimeout(8000);
    await page.getByRole("heading", { name: "Paired devices" }).waitFor();
    await page.getByText("No device is waiting for approval.").waitFor();
    // The page's own device is paired (loopback) and marked as this browser.
    await page.locator(".card", { hasText: "this browser" }).waitFor();

    // A second real client asks to pair; the page learns it from the event, without a reload.
    const keys = generateDeviceKeyPair();
    const refused = await connectClient(gw.url, { device: keys, client: { displayName: "Kitchen laptop" } }, REMOTE);
    expect(refused.res.error.code).toBe("NOT_PAIRED");
    refused.client.close();
    const requestId: string = refused.res.error.details.requestId;
    const request = page.locator(`[data-request-id="${requestId}"]`);
    await request.waitFor();
    expect(await request.textContent()).toContain("Kitchen laptop");
    await page.screenshot({ path: screenshotPath("devices-1280"), fullPage: true });

    await page.getByRole("button", { name: "Approve Kitchen laptop" }).click();
    await page.getByText("Kitchen laptop is approved").waitFor();
    await request.waitFor({ state: "detached" });
    const card = page.locator(`[data-device-id="${keys.deviceId}"]`);
    await card.waitFor();
    expect(gw.gateway.services.devices.list().map((d) => d.deviceId)).toContain(keys.deviceId);
    // Approved for real: the device now gets in.
    const again = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(again.res.ok).toBe(true);
    const oldToken: string = again.hello.auth.deviceToken;
    again.client.close();

    // Rotate: the new token is shown once, and it is what the gateway now accepts.
    await card.getByRole("button", { name: "Rotate the operator token of Kitchen laptop" }).click();
    const shown = card.getByRole("textbox");
    await shown.waitFor();
    const newToken = await shown.inputValue();
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken).not.toBe(oldToken);
    const withNew = await connectClient(gw.url, { device: keys, token: null, extra: { auth: { deviceToken: newToken } } }, REMOTE);
    expect(withNew.res.ok).toBe(true);
    withNew.client.close();
    await card.getByRole("button", { name: "Close" }).click();
    await shown.waitFor({ state: "detached" });

    // Remove asks first, then removes.
    await card.getByRole("button", { name: "Remove Kitchen laptop" }).click();
    expect(gw.gateway.services.devices.list().map((d) => d.deviceId)).toContain(keys.deviceId);
    await card.getByRole("button", { name: "Yes, remove" }).click();
    await card.waitFor({ state: "detached" });
    expect(gw.gateway.services.devices.list().map((d) => d.deviceId)).not.toContain(keys.deviceId);

    // A node asks to pair (through the protocol, as `openclaw node run` does); approve it on the page.
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const asked = await admin.client.rpc("node.pair.request", { nodeId: "kitchen-node", displayName: "Kitchen node", platform: "linux", commands: ["camera.snap", "system.run"] });
    expect(asked.ok).toBe(true);
    await page.getByRole("button", { name: "Approve node Kitchen node" }).click();
    await page.getByText("Node Kitchen node is paired.").waitFor();
    const node = page.locator('[data-node-id="kitchen-node"]');
    await node.waitFor();
    await page.getByText("No node is waiting for pairing.").waitFor();
    expect(await node.getByRole("list", { name: "Commands of Kitchen node" }).textContent()).toBe("camera.snapsystem.run");
    expect((await admin.client.rpc("node.pair.list")).payload.pending).toEqual([]);
    admin.client.close();

    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: screenshotPath("devices-360"), fullPage: true });
    expect(ui.errors).toEqual([]);
  }, 30_000);
});
