/**
 * Getting into the control UI (issue 13 §2) in a real browser against a real gateway: the
 * `openclaw dashboard` link (run as the real CLI), its one-time code, reloads, a pasted token,
 * and pairing of a browser the gateway sees as remote.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { STORE_FILE } from "../../src/store/database.ts";
import { hasBrowser, launchBrowser } from "../helpers/browser.ts";
import { runCli } from "../helpers/cli.ts";
import { openControlUi, PASTED_TOKEN_KEY, screenshotPath, waitConnected } from "../helpers/control-ui.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { startForwardingProxy } from "./forwarding-proxy.ts";

// A browser, a gateway and sometimes a CLI process per test: more than the default 5 s on a loaded machine.
setDefaultTimeout(30_000);

async function dashboardUrl(gw: TestGateway): Promise<string> {
  const result = await runCli(["dashboard", "--json"], { home: gw.home, env: { OPENCLAW_GATEWAY_PORT: String(gw.port) } });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const link = JSON.parse(result.stdout) as { url: string; signIn: string; expiresAtMs: number };
  expect(link.signIn).toBe("code");
  return link.url;
}

const uiConnections = (gw: TestGateway) => [...gw.gateway.connections.all()].filter((c) => c.session?.client.id === "openclaw-control-ui");

describe.skipIf(!hasBrowser())("control UI sign-in", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("openclaw dashboard prints a link whose code is not the token and is only in the fragment", async () => {
    const url = new URL(await dashboardUrl(gw));
    expect(url.origin).toBe(gw.httpUrl);
    expect(url.search).toBe("");
    expect(url.hash).toMatch(/^#bootstrap=[A-Za-z0-9_-]{40,}$/);
    expect(url.toString()).not.toContain(TEST_TOKEN);
    const text = await runCli(["dashboard"], { home: gw.home, env: { OPENCLAW_GATEWAY_PORT: String(gw.port) } });
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toStartWith(`${gw.httpUrl}/#bootstrap=`);
    expect(text.stderr).toContain("not the gateway token");
  });

  test("the dashboard link signs the browser in, leaves the address clean, and a reload keeps the device", async () => {
    const url = await dashboardUrl(gw);
    await using browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    await waitConnected(page);
    expect(page.url()).toBe(`${gw.httpUrl}/#/overview`);
    expect(await page.evaluate(`sessionStorage.getItem(${JSON.stringify(PASTED_TOKEN_KEY)})`)).toBeNull();
    expect(uiConnections(gw).map((c) => c.session!.authMethod)).toContain("bootstrap-token");
    const deviceId = uiConnections(gw)[0]!.session!.deviceId!;

    await page.reload();
    await waitConnected(page);
    const methods = uiConnections(gw).map((c) => c.session!.authMethod);
    expect(methods).toContain("device-token");
    expect(uiConnections(gw).every((c) => c.session!.deviceId === deviceId)).toBe(true);
    expect(browser.errors).toEqual([]);
  });

  test("a code works once: a second browser with the same link is refused and told what to do", async () => {
    const url = await dashboardUrl(gw);
    {
      await using first = await launchBrowser();
      const page = await first.newPage();
      await page.goto(url);
      await waitConnected(page);
    }
    await using second = await launchBrowser();
    const page = await second.newPage();
    await page.goto(url);
    const banner = page.getByTestId("auth-needed");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("already used or has expired");
    expect(await banner.textContent()).toContain("openclaw dashboard");
    await expect(page.getByLabel("Gateway token").isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath("sign-in-1280") });
  });

  test("pasting the gateway token signs in for this tab only", async () => {
    await using ui = await openControlUi({ gateway: gw, auth: "none" });
    const input = ui.page.getByLabel("Gateway token");
    await input.waitFor();
    await ui.page.getByRole("button", { name: "Connect" }).click();
    expect(await ui.page.getByRole("alert").filter({ hasText: "Paste the token first" }).count()).toBe(1);
    await input.fill("wrong-token");
    await input.press("Enter");
    await ui.page.getByTestId("auth-needed").filter({ hasText: "refused that token" }).waitFor();
    await input.fill(TEST_TOKEN);
    await ui.page.getByRole("button", { name: "Connect" }).click();
    await waitConnected(ui.page);
    expect(await ui.page.evaluate(`sessionStorage.getItem(${JSON.stringify(PASTED_TOKEN_KEY)})`)).toBe(TEST_TOKEN);
    expect(await ui.page.evaluate(`localStorage.length`)).toBe(0);
  });
});

describe.skipIf(!hasBrowser())("control UI codes across restarts", () => {
  test("a used code stays used after the gateway restarts", async () => {
    const first = await startTestGateway();
    const home = first.home;
    let second: TestGateway | null = null;
    try {
      const url = await dashboardUrl(first);
      {
        await using browser = await launchBrowser();
        const page = await browser.newPage();
        await page.goto(url);
        await waitConnected(page);
      }
      const store = new Database(join(first.stateDir, STORE_FILE), { readonly: true });
      const record = store.query<Record<string, unknown>, []>("SELECT * FROM control_ui_bootstrap_codes").all();
      store.close();
      expect(record).toEqual([expect.objectContaining({ consumed: 1 })]);
      expect(JSON.stringify(record)).not.toContain(new URL(url).hash.slice("#bootstrap=".length));
      await first.gateway.stop();
      second = await startTestGateway({ home });
      await using browser = await launchBrowser();
      const page = await browser.newPage();
      await page.goto(url.replace(`:${first.port}/`, `:${second.port}/`));
      await page.getByTestId("auth-needed").filter({ hasText: "already used" }).waitFor();
    } finally {
      await second?.stop();
      const { rm } = await import("node:fs/promises");
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasBrowser())("control UI pairing of a remote browser", () => {
  test("a browser behind a proxy waits for approval, shows the command, and continues once approved", async () => {
    await using proxy = startForwardingProxy();
    await using gw = await startTestGateway({ config: { gateway: { trustedProxies: ["127.0.0.1"], controlUi: { allowedOrigins: [proxy.url] } } } });
    proxy.target.port = gw.port;
    await using browser = await launchBrowser({ width: 360, height: 740 });
    const page = await browser.newPage();
    await page.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
    await page.goto(`${proxy.url}/#/overview`);
    const command = page.getByTestId("pairing-command");
    await command.waitFor();
    const text = (await command.textContent())!;
    const [, requestId] = /^openclaw devices approve ([0-9a-f-]{36})$/.exec(text) ?? [];
    expect(requestId).toBeDefined();
    expect(gw.gateway.services.pairing.pendingRequests().map((r) => r.requestId)).toEqual([requestId!]);
    await page.screenshot({ path: screenshotPath("pairing-360"), fullPage: true });

    const approved = await runCli(["devices", "approve", requestId!], { home: gw.home, env: { OPENCLAW_GATEWAY_PORT: String(gw.port) } });
    expect(approved.code).toBe(0);
    await waitConnected(page, 15_000);
    expect(uiConnections(gw).map((c) => c.remoteAddress)).toEqual(["203.0.113.7"]);
    expect(browser.errors).toEqual([]);
  });
});
