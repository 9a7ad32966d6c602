/**
 * The Config page in a real browser against a real gateway: the config is shown with its
 * secrets redacted; edits are checked against `config.schema` in the page before anything is
 * sent; a save after someone else changed the file (another client's `config.set`) says so and
 * writes nothing, and both ways on (take the newer file, or keep my edits over it) work; the
 * JSON5-comments warning shows; a save over the gateway's write budget says when to retry.
 * The form view (generated from the schema) and the JSON5 view edit one draft. Screenshots at
 * 1280 and 360 px.
 */
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hasBrowser } from "../helpers/browser.ts";
import { eventually } from "../helpers/condition.ts";
import { openControlUi, screenshotPath } from "../helpers/control-ui.ts";
import { TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const configOnDisk = async (gw: TestGateway) => JSON.parse(await readFile(join(gw.stateDir, "openclaw.json"), "utf8"));

/** Another writer (the CLI, another browser): `config.set` based on the file as it is now. */
async function changeBehindThePage(gw: TestGateway, note: string): Promise<void> {
  const { client } = await connectClient(gw.url);
  const current = (await client.rpc("config.get", {})).payload;
  const next = { ...current.config, ui: { note } };
  const res = await client.rpc("config.set", { raw: JSON.stringify(next), baseHash: current.hash });
  expect(res.error).toBeUndefined();
  client.close();
}

describe.skipIf(!hasBrowser())("config page", () => {
  test("redacted view, checked edits, a hash conflict and both ways out of it", async () => {
    await using ui = await openControlUi({ route: "config" });
    const { page, gw } = ui;
    page.setDefaultTimeout(8000);
    const editor = page.getByLabel("Config text");
    const save = page.getByRole("button", { name: "Save", exact: true });
    await page.locator(".config-effective").waitFor();
    expect(await page.content()).not.toContain(TEST_TOKEN);

    // The form (the default view), generated from config.schema: the token is only "set".
    const port = page.getByRole("textbox", { name: "port" }).first();
    await port.waitFor();
    expect(await page.locator("#cf-gateway-auth-token").getAttribute("placeholder")).toBe("set (hidden): type to replace");
    expect(await page.locator("#cf-gateway-auth-token").inputValue()).toBe("");
    await port.fill("70000");
    await port.blur();
    await page.locator("#cf-gateway-port-error").getByText("must be at most 65535").waitFor();
    expect(await save.isDisabled()).toBe(true);
    await port.fill("");
    await port.blur();
    await page.locator("summary", { hasText: /^logging$/ }).click();
    await page.locator("#cf-logging-level").selectOption("debug");
    await page.getByText("Valid: matches the config schema.").waitFor();
    // One draft, two views: the JSON5 text has the form's change.
    await page.getByRole("button", { name: "JSON5 (experts)" }).click();
    expect(JSON.parse(await editor.inputValue()).logging).toEqual({ level: "debug" });
    await page.getByRole("button", { name: "Undo my edits" }).click();
    const loaded = await editor.inputValue();
    expect(loaded).toContain("__OPENCLAW_REDACTED__");
    const base = JSON.parse(loaded);
    expect(base.logging).toBeUndefined();

    // Checked in the page: a syntax error and a schema error keep Save disabled.
    await editor.fill(`{ gateway: { port: 1, }, oops }`);
    await page.getByTestId("config-errors").getByText(/not valid JSON5: expected ":" after key "oops", found "}" at line 1, column 31/).waitFor();
    expect(await save.isDisabled()).toBe(true);
    await editor.fill(JSON.stringify({ ...base, gateway: { ...base.gateway, port: 70000 } }, null, 2));
    await page.getByTestId("config-errors").getByText("gateway.port: must be at most 65535").waitFor();
    expect(await save.isDisabled()).toBe(true);

    // A valid JSON5 edit with a comment: the page warns that comments will not survive.
    const mine = `// edited in the browser\n${JSON.stringify({ ...base, ui: { note: "from the page" } }, null, 2)}`;
    await editor.fill(mine);
    await page.getByText("Valid: matches the config schema.").waitFor();
    await page.getByTestId("comments-warning").waitFor();
    await page.screenshot({ path: screenshotPath("config-1280"), fullPage: true });

    // Someone else saves first: our save is refused and nothing of ours is written.
    await changeBehindThePage(gw, "from the cli");
    await save.click();
    await page.getByTestId("config-conflict").getByText("Someone else changed the config").waitFor();
    expect((await configOnDisk(gw)).ui).toEqual({ note: "from the cli" });
    expect(await editor.inputValue()).toBe(mine);

    // Keep my edits over it: based on the newer file now, the next save goes through.
    await page.getByRole("button", { name: "Keep my edits over it" }).click();
    await page.getByText("Your edits are kept and now based on the newer file").waitFor();
    await save.click();
    await page.getByText("Saved and applied.").waitFor();
    const saved = await configOnDisk(gw);
    expect(saved.ui).toEqual({ note: "from the page" });
    // The placeholder kept the real token.
    expect(saved.gateway.auth.token).toBe(TEST_TOKEN);
    // Reloaded after the save: the gateway wrote plain JSON, so the comment is gone.
    await eventually("the saved file in the editor", async () => (!(await editor.inputValue()).includes("edited in the browser") ? true : undefined));
    expect(await editor.inputValue()).toContain('"note": "from the page"');

    // Another conflict (an edit in the form this time), and now take the newer file.
    await page.getByRole("button", { name: "Form" }).click();
    await page.locator("summary", { hasText: /^logging$/ }).click();
    await page.locator("#cf-logging-level").selectOption("warn");
    await page.getByText("Valid: matches the config schema.").waitFor();
    await changeBehindThePage(gw, "from the cli again");
    await save.click();
    await page.getByTestId("config-conflict").waitFor();
    await page.getByRole("button", { name: "Load the newer config (drops my edits)" }).click();
    await page.getByRole("button", { name: "JSON5 (experts)" }).click();
    await eventually("the newer file in the editor", async () => ((await editor.inputValue()).includes("from the cli again") ? true : undefined));
    expect(await configOnDisk(gw)).toMatchObject({ ui: { note: "from the cli again" } });
    expect((await configOnDisk(gw)).logging).toBeUndefined();
    await page.getByText("No unsaved edits.").waitFor();

    // A fourth save within the minute: the gateway's write budget says no, and the page says when to retry.
    await editor.fill(JSON.stringify({ ...base, ui: { note: "too soon" } }, null, 2));
    await save.click();
    await page.getByText(/Not saved: the gateway takes at most 3 config saves a minute from one device\. Wait \d+ s and save again/).waitFor();
    expect((await configOnDisk(gw)).ui).toEqual({ note: "from the cli again" });

    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: screenshotPath("config-360"), fullPage: true });
    await page.getByRole("button", { name: "Form" }).click();
    await page.getByRole("textbox", { name: "port" }).first().waitFor();
    await page.screenshot({ path: screenshotPath("config-form-360"), fullPage: true });
    expect(ui.errors).toEqual([]);
  }, 30_000);
});
