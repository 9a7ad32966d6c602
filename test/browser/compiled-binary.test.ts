/**
 * The control UI from the compiled binary (`bun build.ts` → dist/openclaw): the page, its split
 * bundle and the sign-in all work from what `--compile` embedded. Runs when the binary exists
 * (CI builds it before the tests); locally a binary older than the sources is skipped.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hasBrowser, launchBrowser } from "../helpers/browser.ts";
import { PASTED_TOKEN_KEY, waitConnected } from "../helpers/control-ui.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";

// A browser, a gateway and sometimes a CLI process per test: more than the default 5 s on a loaded machine.
setDefaultTimeout(30_000);

const ROOT = resolve(import.meta.dir, "../..");
const BINARY = process.env.OPENCLAW_TEST_BINARY ?? join(ROOT, "dist", "openclaw");

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  return newest;
}

function binaryUsable(): boolean {
  if (!existsSync(BINARY)) return false;
  if (process.env.CI === "true") return true;
  const fresh = statSync(BINARY).mtimeMs >= newestSource(join(ROOT, "src"));
  if (!fresh) console.warn(`skipping the compiled-binary UI test: ${BINARY} is older than src/ (run bun build.ts)`);
  return fresh;
}

describe.skipIf(!hasBrowser() || !binaryUsable())("control UI from the compiled binary", () => {
  test("serves the embedded page, and a browser signs in and goes live", async () => {
    const home = await mkdtemp(join(tmpdir(), "openclaw-ui-binary-"));
    await mkdir(join(home, ".openclaw"));
    await writeFile(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { token: TEST_TOKEN } } }));
    const proc = Bun.spawn([BINARY, "gateway", "--port", "0"], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_SKIP_CANVAS_HOST: "1", NO_COLOR: "1" },
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
    });
    try {
      let text = "";
      let port = 0;
      const decoder = new TextDecoder();
      for await (const chunk of proc.stdout) {
        text += decoder.decode(chunk, { stream: true });
        const match = /listening on ws:\/\/[^\s]+:(\d+)\D/.exec(text);
        if (match) {
          port = Number(match[1]);
          break;
        }
      }
      expect(port).toBeGreaterThan(0);
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      for (const [, url] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) expect((await fetch(`http://127.0.0.1:${port}${url}`)).status).toBe(200);
      await using browser = await launchBrowser();
      const page = await browser.newPage();
      await page.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
      await page.goto(`http://127.0.0.1:${port}/#/overview`);
      await waitConnected(page);
      await page.locator('[data-testid="overview"][data-live="true"]').waitFor();
      expect(browser.errors).toEqual([]);
      // Each page's chunk was embedded too.
      for (const route of ["chat", "sessions", "channels", "devices", "config", "logs"]) {
        await page.evaluate(`location.hash = "#/${route}"`);
        await page.locator(`nav a[href="#/${route}"][aria-current="page"]`).waitFor();
        await page.locator("main h1").first().waitFor();
        expect(await page.getByText("could not be loaded").count()).toBe(0);
      }
      expect(browser.errors.filter((e) => e.includes("/assets/") || e.includes("Failed to load") || e.includes("Content Security Policy"))).toEqual([]);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      await rm(home, { recursive: true, force: true });
    }
  });
});
