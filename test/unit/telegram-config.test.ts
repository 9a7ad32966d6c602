/**
 * Reading `channels.telegram`: which accounts exist, where each token comes from (tokenFile
 * must be a regular file, env only for the default account, config wins), the access policy
 * failing closed, and the factory loading grammY only when it builds an adapter.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { parseTelegramAccess } from "../../src/channels/telegram/access.ts";
import { telegramFactory } from "../../src/channels/telegram/factory.ts";
import { readTelegramSettings } from "../../src/channels/telegram/settings.ts";
import { resolveToken } from "../../src/channels/telegram/token.ts";
import { ChannelFatalError } from "../../src/channels/types.ts";

const TOKEN = "111111:AAroot_token_value_abcdefghijklmnop";
const OTHER = "222222:AAwork_token_value_abcdefghijklmnop";
const ENV = "333333:AAenv_token_value_abcdefghijklmnopq";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "telegram-config-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function accounts(telegram: unknown, env: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return telegramFactory.accounts({ channels: { telegram, ...extra } } as OpenClawConfig, env);
}

test("no channels.telegram and no env: no accounts; env alone makes the default account", () => {
  expect(telegramFactory.accounts({}, {})).toEqual([]);
  const [only, ...rest] = telegramFactory.accounts({}, { TELEGRAM_BOT_TOKEN: ENV });
  expect(rest).toEqual([]);
  expect(only).toMatchObject({ channel: "telegram", accountId: "default", enabled: true });
  expect(only!.problem).toBeUndefined();
});

test("a configured account without a token carries its problem", () => {
  expect(accounts({ dmPolicy: "pairing" })).toEqual([
    expect.objectContaining({ accountId: "default", problem: "no bot token (set channels.telegram.botToken or TELEGRAM_BOT_TOKEN)" }),
  ]);
});

test("named accounts override root keys, never inherit the root token, and never use the env token", () => {
  const list = accounts({ botToken: TOKEN, dmPolicy: "open", allowFrom: ["*"], accounts: { work: { botToken: OTHER, dmPolicy: "disabled" }, bare: {} } }, { TELEGRAM_BOT_TOKEN: ENV });
  expect(list.map((a) => a.accountId)).toEqual(["default", "work", "bare"]);
  expect(list[0]!.access.dmPolicy).toBe("open");
  expect(list[1]!.access.dmPolicy).toBe("disabled");
  expect(list[1]!.raw.botToken).toBe(OTHER);
  expect(list[2]!.raw.botToken).toBeUndefined();
  expect(list[2]!.access.dmPolicy).toBe("open");
  expect(list[2]!.problem).toBe("no bot token (set channels.telegram.accounts.bare.botToken or tokenFile)");
  // Only named accounts and no root token: no implicit default.
  expect(accounts({ accounts: { work: { botToken: OTHER } } }).map((a) => a.accountId)).toEqual(["work"]);
});

test("enabled: false is listed as disabled (root or account)", () => {
  expect(accounts({ botToken: TOKEN, enabled: false })[0]!.enabled).toBe(false);
  const list = accounts({ botToken: TOKEN, accounts: { work: { botToken: OTHER, enabled: false } } });
  expect(list.map((a) => [a.accountId, a.enabled])).toEqual([
    ["default", true],
    ["work", false],
  ]);
});

test("config wins over TELEGRAM_BOT_TOKEN; tokenFile wins over botToken", () => {
  expect(resolveToken("default", { botToken: TOKEN }, { TELEGRAM_BOT_TOKEN: ENV })).toEqual({ ok: true, token: TOKEN, source: "botToken" });
  expect(resolveToken("default", {}, { TELEGRAM_BOT_TOKEN: ENV })).toEqual({ ok: true, token: ENV, source: "env" });
  expect(resolveToken("work", {}, { TELEGRAM_BOT_TOKEN: ENV }).ok).toBe(false);
  const file = join(dir, "token.txt");
  writeFileSync(file, `${OTHER}\n`);
  expect(resolveToken("default", { botToken: TOKEN, tokenFile: file }, {})).toEqual({ ok: true, token: OTHER, source: "tokenFile" });
});

test("tokenFile: a symlink, a directory, a missing or empty file are refused, with no fallback", () => {
  const real = join(dir, "real-token");
  writeFileSync(real, OTHER);
  const link = join(dir, "link-token");
  symlinkSync(real, link);
  const sub = join(dir, "a-dir");
  mkdirSync(sub);
  const empty = join(dir, "empty-token");
  writeFileSync(empty, "  \n");
  const env = { TELEGRAM_BOT_TOKEN: ENV };
  const problem = (tokenFile: string) => {
    const result = resolveToken("default", { tokenFile, botToken: TOKEN }, env);
    return result.ok ? null : result.problem;
  };
  expect(problem(link)).toContain("is a symlink");
  expect(problem(sub)).toContain("is not a regular file");
  expect(problem(join(dir, "missing"))).toContain("cannot be read (ENOENT)");
  expect(problem(empty)).toContain("is empty");
  // Nothing about the token file's content, or any token, goes into the problem.
  expect(problem(link)).not.toContain(OTHER);
  expect(accounts({ tokenFile: link })[0]!.problem).toContain("symlink");
  expect(resolveToken("default", { tokenFile: "~/t" }, { HOME: dir }).ok).toBe(false);
  writeFileSync(join(dir, "t"), TOKEN);
  expect(resolveToken("default", { tokenFile: "~/t" }, { HOME: dir })).toMatchObject({ ok: true, token: TOKEN });
});

test("a token that does not look like one is a problem that does not echo it", () => {
  const result = resolveToken("default", { botToken: '"123:abc def"' }, {});
  expect(result).toEqual({ ok: false, problem: "channels.telegram.botToken does not look like a Telegram bot token (<bot id>:<secret>)" });
});

test("access defaults: pairing DMs, allowlisted groups, mentions required", () => {
  expect(parseTelegramAccess({})).toEqual({ dmPolicy: "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: [], groups: {} });
  const policy = parseTelegramAccess({ allowFrom: ["telegram:123", "tg:456", 789, "@someone", " 42 "], groups: { "-1001": {}, "*": { requireMention: false }, "__proto__": { requireMention: false } } });
  expect(policy.allowFrom).toEqual(["123", "456", "789", "42"]);
  expect(policy.groupAllowFrom).toEqual(policy.allowFrom);
  expect(policy.groups).toEqual({ "-1001": { requireMention: true }, "*": { requireMention: false } });
  expect(Object.getPrototypeOf(policy.groups)).toBe(Object.prototype);
  expect(policy.invalid).toBeUndefined();
});

test("access fails closed: open without *, an empty allowlist, unknown values", () => {
  expect(parseTelegramAccess({ dmPolicy: "open", allowFrom: ["123"] }).invalid).toContain('needs "*"');
  expect(parseTelegramAccess({ dmPolicy: "open", allowFrom: ["*"] }).invalid).toBeUndefined();
  expect(parseTelegramAccess({ dmPolicy: "allowlist", allowFrom: [] }).invalid).toContain("at least one");
  expect(parseTelegramAccess({ dmPolicy: "allowlist", allowFrom: ["@name"] }).invalid).toContain("at least one");
  expect(parseTelegramAccess({ dmPolicy: "everyone" }).invalid).toContain("dmPolicy");
  expect(parseTelegramAccess({ groupPolicy: "public" }).invalid).toContain("groupPolicy");
  expect(parseTelegramAccess({ groups: { "-1": { requireMention: "no" } } }).invalid).toContain("requireMention");
});

test("group policy: channels.defaults fallback, groupAllowFrom of its own, per-group policy", () => {
  expect(accounts({ botToken: TOKEN }, {}, { defaults: { groupPolicy: "open" } })[0]!.access.groupPolicy).toBe("open");
  const policy = parseTelegramAccess({ allowFrom: ["1"], groupAllowFrom: ["tg:2"], groups: { "-5": { groupPolicy: "open", requireMention: false }, "-6": { groupPolicy: "disabled" }, "-7": { allowFrom: ["3"] } } });
  expect(policy.groupAllowFrom).toEqual(["2"]);
  expect(policy.groups).toEqual({
    "-5": { requireMention: false, allowFrom: ["*"] },
    "-6": { requireMention: true, enabled: false },
    "-7": { requireMention: true, allowFrom: ["3"] },
  });
});

test("settings: chunk limit, webhook needs both keys, apiRoot without /bot", () => {
  const ok = readTelegramSettings({});
  expect(ok).toMatchObject({ ok: true, settings: { apiRoot: "https://api.telegram.org", textLimit: 4000, stallThresholdMs: 45_000, linkPreview: true, webhook: null } });
  expect(readTelegramSettings({ textChunkLimit: 9000 })).toMatchObject({ settings: { textLimit: 4096 } });
  expect(readTelegramSettings({ pollingStallThresholdMs: 1000 })).toMatchObject({ settings: { stallThresholdMs: 35_000 } });
  expect(readTelegramSettings({ webhookUrl: "https://x.example/tg" })).toEqual({ ok: false, problem: "webhookUrl needs webhookSecret (Telegram's secret_token)" });
  expect(readTelegramSettings({ webhookUrl: "https://x.example/tg", webhookSecret: "bad secret!" }).ok).toBe(false);
  expect(readTelegramSettings({ webhookUrl: "https://x.example/tg", webhookSecret: "good_1", webhookPath: "hook" })).toMatchObject({
    settings: { webhook: { url: "https://x.example/tg", secret: "good_1", path: "/hook" } },
  });
  expect(readTelegramSettings({ apiRoot: "https://api.telegram.org/bot123:abc" })).toEqual({ ok: false, problem: "apiRoot must be the Bot API root, without /bot<token>" });
  expect(readTelegramSettings({ apiRoot: "http://127.0.0.1:8081/" })).toMatchObject({ settings: { apiRoot: "http://127.0.0.1:8081" } });
  expect(accounts({ botToken: TOKEN, webhookSecret: "x" })[0]!.problem).toBe("webhookSecret is set but webhookUrl is not");
});

test("create builds an adapter from the account, and refuses an account without a token", async () => {
  const [account] = accounts({ botToken: TOKEN, textChunkLimit: 3000 });
  const adapter = await telegramFactory.create(account!, { env: {}, stateDir: dir });
  expect([adapter.channel, adapter.accountId, adapter.textLimit]).toEqual(["telegram", "default", 3000]);
  const [missing] = accounts({});
  const error = await telegramFactory.create(missing!, { env: {}, stateDir: dir }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChannelFatalError);
});

test("importing the factory does not load grammY", async () => {
  const script = `await import(${JSON.stringify(resolve(import.meta.dir, "../../src/channels/telegram/factory.ts"))});
const loaded = Object.keys(require.cache).filter((k) => k.includes("grammy"));
console.log(JSON.stringify(loaded));`;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  expect(code).toBe(0);
  expect(JSON.parse(out.trim())).toEqual([]);
});
