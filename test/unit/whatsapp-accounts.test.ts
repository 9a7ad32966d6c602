/** Which WhatsApp accounts a config describes, their settings, and "configured, not linked". */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { whatsappAccounts } from "../../src/channels/whatsapp/accounts.ts";
import { NOT_LINKED } from "../../src/channels/whatsapp/errors.ts";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { readWhatsAppSettings } from "../../src/channels/whatsapp/settings.ts";
import { closeWhatsappStores, whatsappStore } from "../../src/channels/whatsapp/store-handle.ts";
import { STORE_FILE } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";

const config = (whatsapp: unknown, extra: Record<string, unknown> = {}) => ({ channels: { whatsapp, ...extra } }) as OpenClawConfig;

describe("accounts", () => {
  test("none without channels.whatsapp", () => {
    expect(whatsappAccounts({} as OpenClawConfig)).toEqual([]);
    expect(whatsappAccounts(config(undefined))).toEqual([]);
  });

  test("the root is the default account; named ones follow, sorted, with the root's keys under theirs", () => {
    const accounts = whatsappAccounts(config({ dmPolicy: "open", allowFrom: ["*"], accounts: { zed: { dmPolicy: "disabled" }, work: { mediaMaxMb: 5 }, default: {} } }));
    expect(accounts.map((a) => a.accountId)).toEqual(["default", "work", "zed"]);
    expect(accounts.map((a) => a.access.dmPolicy)).toEqual(["open", "open", "disabled"]);
    expect(accounts[1]!.raw.mediaMaxMb).toBe(5);
  });

  test("only named accounts: no implicit default", () => {
    expect(whatsappAccounts(config({ accounts: { b: {}, a: {} } })).map((a) => a.accountId)).toEqual(["a", "b"]);
  });

  test("enabled: false at the root or on the account", () => {
    expect(whatsappAccounts(config({ enabled: false }))[0]!.enabled).toBe(false);
    expect(whatsappAccounts(config({ accounts: { a: { enabled: false }, b: {} } })).map((a) => a.enabled)).toEqual([false, true]);
  });

  test("groupPolicy falls back to channels.defaults; an unknown policy fails closed", () => {
    expect(whatsappAccounts(config({}, { defaults: { groupPolicy: "open" } }))[0]!.access.groupPolicy).toBe("open");
    expect(whatsappAccounts(config({ groupPolicy: "sometimes" }))[0]!.access.invalid).toMatch(/groupPolicy/);
  });
});

describe("settings", () => {
  test("defaults", () => {
    expect(readWhatsAppSettings({})).toEqual({
      textLimit: 4000,
      sendReadReceipts: true,
      mediaMaxBytes: 50 * 1024 * 1024,
      maxMessagesPerMinute: 20,
      fetchLatestVersion: false,
      selfChatMode: false,
    });
  });

  test("values, clamped where out of range", () => {
    const s = readWhatsAppSettings({ textChunkLimit: 0, sendReadReceipts: false, mediaMaxMb: 1, maxMessagesPerMinute: 100_000, fetchLatestVersion: true, selfChatMode: true });
    expect(s).toEqual({ textLimit: 1, sendReadReceipts: false, mediaMaxBytes: 1024 * 1024, maxMessagesPerMinute: 600, fetchLatestVersion: true, selfChatMode: true });
  });
});

describe("linked or not (the factory reads the store)", () => {
  let stateDir: string;
  afterEach(async () => {
    closeWhatsappStores();
    await rm(stateDir, { recursive: true, force: true });
  });

  test("no store yet: unknown (run decides), and listing does not create one", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "openclaw-wa-acct-"));
    const [account] = createWhatsAppFactory().accounts(config({}), {}, { stateDir });
    expect(account!.problem).toBeUndefined();
    expect(existsSync(join(stateDir, STORE_FILE))).toBe(false);
  });

  test("creds without a link: configured, not linked, with the command to run; linked creds: no problem", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "openclaw-wa-acct-"));
    const store = new WhatsAppAuthStore(whatsappStore(stateDir));
    store.writeCreds("default", JSON.stringify({ noiseKey: {} }), 1);
    store.writeCreds("work", JSON.stringify({ me: { id: "15550001111:7@s.whatsapp.net" } }), 1);
    const factory = createWhatsAppFactory();
    const accounts = factory.accounts(config({ accounts: { default: {}, work: {} } }), {}, { stateDir });
    expect(accounts.map((a) => [a.accountId, a.problem])).toEqual([
      ["default", NOT_LINKED],
      ["work", undefined],
    ]);
    expect(NOT_LINKED).toBe("configured, not linked: run openclaw channels login --channel whatsapp");
  });

  test("create builds the adapter with the account's text limit", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "openclaw-wa-acct-"));
    const factory = createWhatsAppFactory();
    const [account] = factory.accounts(config({ textChunkLimit: 1500 }), {}, { stateDir });
    const adapter = await factory.create(account!, { env: {}, stateDir, workspace: join(stateDir, "ws") });
    expect(adapter).toMatchObject({ channel: "whatsapp", accountId: "default", textLimit: 1500 });
  });
});
