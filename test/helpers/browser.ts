/**
 * A real browser for control UI tests: Debian's Chromium driven by playwright-core (design.md
 * §5). Each launch gets a fresh profile in its own temp dir, and the host resolver maps every
 * name to nothing except 127.0.0.1, so a page can reach only the loopback gateway.
 *
 * Without /usr/bin/chromium the tests skip with a message, except under CI=true, where a
 * missing browser is a failure (`requireBrowser` throws).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

/** The first matching rule wins, so the extra names go before the catch-all. */
function withNames(flag: string, names: string[]): string {
  return `--host-resolver-rules=${names.map((name) => `MAP ${name} 127.0.0.1`).join(" , ")} , ${flag.slice("--host-resolver-rules=".length)}`;
}

let warned = false;

/**
 * Whether browser tests can run here. Use as `describe.skipIf(!hasBrowser())(…)`. Throws under
 * CI=true when the browser is missing (`.ci/run` installs it).
 */
export function hasBrowser(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === "true") throw new Error(`${CHROMIUM_PATH} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  if (!warned) console.warn(`skipping browser tests: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  warned = true;
  return false;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Console errors and uncaught page errors of every page in this context. */
  errors: string[];
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface LaunchOptions {
  /** Default 1280. */
  width?: number;
  /** Default 800. */
  height?: number;
  /** `prefers-color-scheme`; default light. */
  colorScheme?: "light" | "dark";
  /**
   * Extra names that resolve to 127.0.0.1, e.g. `["ui.test"]`: a page on such a name is not a
   * secure context (only 127.0.0.1 and localhost are), for testing what the UI says there.
   */
  loopbackNames?: string[];
}

export async function launchBrowser({ width = 1280, height = 800, colorScheme = "light", loopbackNames = [] }: LaunchOptions = {}): Promise<TestBrowser> {
  hasBrowser();
  const profile = await mkdtemp(join(tmpdir(), "openclaw-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: loopbackNames.length === 0 ? CHROMIUM_FLAGS : CHROMIUM_FLAGS.map((flag) => (flag.startsWith("--host-resolver-rules=") ? withNames(flag, loopbackNames) : flag)),
      viewport: { width, height },
      colorScheme,
      // The fixed flags above are the whole configuration: no proxy, no downloads dir surprises.
      acceptDownloads: true,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };
  return {
    context,
    errors,
    async newPage(size) {
      const existing = context.pages().find((p) => p.url() === "about:blank");
      const page = existing ?? (await context.newPage());
      if (size?.width || size?.height) await page.setViewportSize({ width: size.width ?? width, height: size.height ?? height });
      return page;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
