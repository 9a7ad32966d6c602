/**
 * The control UI against a real gateway: `openControlUi()` starts a gateway on port 0 (temp
 * home, see gateway.ts), launches Chromium (browser.ts) and opens the page at a route, signed
 * in, connected, ready for a test to click. Screenshots go to `screenshotPath(name)`.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, type LaunchOptions, type TestBrowser } from "./browser.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway, type TestGatewayInit } from "./gateway.ts";

const REPO_ROOT = resolve(import.meta.dir, "../..");

/** `<repo>/test-artifacts/control-ui/<name>.png`, or under `$OPENCLAW_TEST_ARTIFACTS`; the dir is created. */
export function screenshotPath(name: string): string {
  const dir = process.env.OPENCLAW_TEST_ARTIFACTS ?? join(REPO_ROOT, "test-artifacts", "control-ui");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.png`);
}

/** The sessionStorage key the page keeps a pasted gateway token under (src/control-ui/gateway/credentials.ts). */
export const PASTED_TOKEN_KEY = "openclaw.gatewayToken";

export interface OpenControlUiOptions extends LaunchOptions {
  /** Hash route to open, e.g. `chat` or `chat?session=agent:main:main`. Default `overview`. */
  route?: string;
  /** The gateway to start (config, fakes…); ignored when `gateway` is given. */
  gatewayInit?: TestGatewayInit;
  /** Use this running gateway instead of starting one (it is not stopped by `close`). */
  gateway?: TestGateway;
  /**
   * How the page signs in: `token` (the gateway token as if pasted, default), or `none` (the
   * page shows its sign-in form; the test drives it).
   */
  auth?: "token" | "none";
  /** The gateway's `gateway.controlUi.basePath` (e.g. `/openclaw`); default the root. */
  basePath?: string;
  /** Wait until the page is connected (default true with auth `token`). */
  waitConnected?: boolean;
}

export interface ControlUiSession {
  gw: TestGateway;
  browser: TestBrowser;
  page: Page;
  /** The page's address without the route (`http://127.0.0.1:<port>/`). */
  baseUrl: string;
  /** Console errors and uncaught exceptions so far (a test should usually expect none). */
  errors: string[];
  /** Navigates to another hash route in the same page. */
  goto(route: string): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Resolves when the page's connection dot says connected. */
export async function waitConnected(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.locator(".conn-dot.conn-connected").waitFor({ state: "attached", timeout: timeoutMs });
}

export async function openControlUi(options: OpenControlUiOptions = {}): Promise<ControlUiSession> {
  const ownsGateway = !options.gateway;
  const gw = options.gateway ?? (await startTestGateway(options.gatewayInit));
  let browser: TestBrowser | null = null;
  try {
    browser = await launchBrowser(options);
    const page = await browser.newPage();
    const auth = options.auth ?? "token";
    if (auth === "token") {
      // As if the user pasted the token: it is in this tab's sessionStorage before any script runs.
      await page.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
    }
    const baseUrl = `${gw.httpUrl}${options.basePath ?? ""}/`;
    await page.goto(`${baseUrl}#/${options.route ?? "overview"}`);
    if (options.waitConnected ?? auth === "token") await waitConnected(page);
    const opened = browser;
    const close = async () => {
      await opened.close();
      if (ownsGateway) await gw.stop();
    };
    return {
      gw,
      browser: opened,
      page,
      baseUrl,
      errors: opened.errors,
      goto: async (route) => {
        await page.evaluate(`location.hash = ${JSON.stringify(`#/${route}`)}`);
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await browser?.close();
    if (ownsGateway) await gw.stop();
    throw error;
  }
}
