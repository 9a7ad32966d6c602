/**
 * Serving the control UI (issue 13 §1): the page and its bundle with security headers, the
 * bootstrap JSON, `gateway.controlUi.enabled=false`, `basePath`, foreign Origins, and what
 * the page says where the browser offers no WebCrypto.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { CONTENT_SECURITY_POLICY } from "../../src/gateway/http/control-ui/headers.ts";
import { normaliseBasePath } from "../../src/gateway/http/control-ui/settings.ts";
import { hasBrowser, launchBrowser } from "../helpers/browser.ts";
import { openControlUi, PASTED_TOKEN_KEY } from "../helpers/control-ui.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import { startForwardingProxy } from "./forwarding-proxy.ts";

// A browser, a gateway and sometimes a CLI process per test: more than the default 5 s on a loaded machine.
setDefaultTimeout(30_000);

function expectUiHeaders(response: Response): void {
  expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
}

const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);

describe("control UI over HTTP", () => {
  test("the page, its bundle and the config JSON carry the security headers; the bundle is minified", async () => {
    await using gw = await startTestGateway();
    const page = await fetch(`${gw.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expectUiHeaders(page);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script, which the CSP would block
    expect(html).toStartWith("<!doctype html><html");
    expect(html).not.toMatch(/>\s+</);
    const assets = assetUrls(html).filter((url) => url.startsWith("/assets/"));
    // One entry script; every stylesheet is linked up front (pages' scripts load on first visit).
    expect(assets.filter((url) => url.endsWith(".js")).length).toBe(1);
    expect(assets.filter((url) => url.endsWith(".css")).length).toBeGreaterThanOrEqual(1);
    expect(assets.length).toBe(assets.filter((url) => /\.(js|css)$/.test(url)).length);
    for (const url of assets) {
      const asset = await fetch(`${gw.httpUrl}${url}`);
      expect(asset.status).toBe(200);
      expectUiHeaders(asset);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      const text = await asset.text();
      // Minified: long lines, no comments or indentation left.
      expect(text.split("\n").length).toBeLessThan(40);
      expect(text).not.toContain("\n  ");
      const again = await fetch(`${gw.httpUrl}${url}`, { headers: { "If-None-Match": asset.headers.get("etag")! } });
      expect(again.status).toBe(304);
    }
    const config = await fetch(`${gw.httpUrl}/__openclaw/control-ui-config.json`);
    expectUiHeaders(config);
    expect(await config.json()).toEqual({ basePath: "", assistantName: "Assistant", assistantAvatar: "A", assistantAgentId: "main" });
    expect((await fetch(`${gw.httpUrl}/assets/nope.js`)).status).toBe(404);
    const head = await fetch(`${gw.httpUrl}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${gw.httpUrl}/`, { method: "POST" })).status).toBe(405);
  });

  test("the config JSON names the default agent's assistant", async () => {
    await using gw = await startTestGateway({ config: { agents: { list: [{ id: "ops", default: true, identity: { name: "Clawd", emoji: "🦞" } }] } } });
    const body = await (await fetch(`${gw.httpUrl}/__openclaw/control-ui-config.json`)).json();
    expect(body).toEqual({ basePath: "", assistantName: "Clawd", assistantAvatar: "🦞", assistantAgentId: "ops" });
  });

  test("gateway.controlUi.enabled=false removes the UI: / answers as before", async () => {
    await using gw = await startTestGateway({ config: { gateway: { controlUi: { enabled: false } } } });
    for (const path of ["/", "/__openclaw/control-ui-config.json", "/assets/x.js"]) {
      const response = await fetch(`${gw.httpUrl}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
    }
    expect(gw.logLines.filter((line) => line.includes("controlUi"))).toEqual([]);
  });

  test("basePath moves every UI path under it", async () => {
    await using gw = await startTestGateway({ config: { gateway: { controlUi: { basePath: "/openclaw/" } } } });
    expect((await fetch(`${gw.httpUrl}/`)).status).toBe(404);
    const bare = await fetch(`${gw.httpUrl}/openclaw`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/openclaw/");
    const html = await (await fetch(`${gw.httpUrl}/openclaw/`)).text();
    const assets = assetUrls(html).filter((url) => url.endsWith(".js") || url.endsWith(".css"));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const url of assets) {
      expect(url).toStartWith("/openclaw/assets/");
      expect((await fetch(`${gw.httpUrl}${url}`)).status).toBe(200);
    }
    expect(await (await fetch(`${gw.httpUrl}/openclaw/__openclaw/control-ui-config.json`)).json()).toMatchObject({ basePath: "/openclaw" });
  });

  test("basePath is normalised, and one that is not a plain path is refused in words", () => {
    expect(["", "/", "openclaw", "/openclaw/", "/a/b.c~d"].map(normaliseBasePath)).toEqual(["", "", "/openclaw", "/openclaw", "/a/b.c~d"]);
    for (const bad of ["/a b", "/../x", "/a?b", "/a#b", "/ä"]) expect(() => normaliseBasePath(bad)).toThrow(/is not a plain URL path; use letters, digits/);
  });

  test("a WebSocket upgrade from a foreign Origin is refused", async () => {
    await using gw = await startTestGateway();
    const response = await fetch(`${gw.httpUrl}/`, {
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", Origin: "http://127.0.0.1:1" },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { message: "origin not allowed", type: "forbidden" } });
  });
});

describe.skipIf(!hasBrowser())("control UI in the browser", () => {
  test("the page loads under its CSP without a console error and connects", async () => {
    await using ui = await openControlUi();
    await ui.page.locator('[data-testid="overview"][data-live="true"]').waitFor();
    expect(ui.errors).toEqual([]);
    // The policy is in force: an inline script is refused (and reported as a console error).
    await ui.page.addScriptTag({ content: "globalThis.inlineRan = true" }).catch(() => {});
    expect(await ui.page.evaluate("globalThis.inlineRan === true")).toBe(false);
    expect(ui.errors.some((e) => e.includes("Content Security Policy"))).toBe(true);
  });

  test("every page's code loads on first visit, under basePath too", async () => {
    await using ui = await openControlUi({ gatewayInit: { config: { gateway: { controlUi: { basePath: "/oc" } } } }, basePath: "/oc" });
    for (const route of ["chat", "sessions", "channels", "devices", "config", "logs", "overview"]) {
      await ui.goto(route);
      await ui.page.locator(`nav a[href="#/${route}"][aria-current="page"]`).waitFor();
      await ui.page.locator("main h1").first().waitFor();
      expect(await ui.page.getByText("could not be loaded").count()).toBe(0);
    }
    expect(ui.errors.filter((e) => e.includes("/assets/") || e.includes("Failed to load") || e.includes("Content Security Policy"))).toEqual([]);
  });

  test("under basePath the page connects through the same path", async () => {
    await using ui = await openControlUi({ gatewayInit: { config: { gateway: { controlUi: { basePath: "/openclaw" } } } }, basePath: "/openclaw" });
    expect(ui.page.url()).toBe(`${ui.gw.httpUrl}/openclaw/#/overview`);
    expect(ui.errors).toEqual([]);
  });

  test("a page of another origin cannot open the gateway's WebSocket", async () => {
    await using gw = await startTestGateway();
    const foreign = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(
          `<!doctype html><script>const ws = new WebSocket("ws://127.0.0.1:${gw.port}/"); ws.onopen = () => (document.title = "open"); ws.onclose = () => (document.title = "refused");</script>`,
          { headers: { "Content-Type": "text/html" } },
        ),
    });
    try {
      await using browser = await launchBrowser();
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${foreign.port}/`);
      await page.waitForFunction("document.title !== ''");
      expect(await page.title()).toBe("refused");
      expect(gw.gateway.connections.size).toBe(0);
    } finally {
      await foreign.stop(true);
    }
  });

  test("without a secure context the page says so and points at an SSH tunnel", async () => {
    await using proxy = startForwardingProxy("127.0.0.1");
    await using gw = await startTestGateway();
    proxy.target.port = gw.port;
    await using browser = await launchBrowser({ loopbackNames: ["gateway.test"] });
    const page = await browser.newPage();
    await page.addInitScript(([key, token]) => globalThis.sessionStorage.setItem(key!, token!), [PASTED_TOKEN_KEY, TEST_TOKEN]);
    await page.goto(`http://gateway.test:${proxy.port}/`);
    const notice = page.getByTestId("insecure-context");
    await notice.waitFor();
    expect(await notice.textContent()).toContain("ssh -N -L 18789:127.0.0.1:18789");
    expect(gw.gateway.connections.size).toBe(0);
  });
});
