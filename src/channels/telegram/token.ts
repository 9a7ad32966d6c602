/**
 * Where an account's bot token comes from (channels-and-models.md §3.3): `tokenFile` beats
 * `botToken`, config beats `TELEGRAM_BOT_TOKEN`, and the env fallback is for the default
 * account only, so a named account never silently borrows the default bot. A `tokenFile` that
 * is configured but unusable is a problem of its own: falling back to another source would
 * start a bot the user did not point at.
 */
import { lstatSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { Env } from "../../config/paths.ts";

export const DEFAULT_ACCOUNT_ID = "default";

export type TokenSource = "tokenFile" | "botToken" | "env";

export type TokenResolution = { ok: true; token: string; source: TokenSource } | { ok: false; problem: string };

/** Telegram tokens are `<bot id>:<secret>`; anything else (quotes, spaces, a URL) is a config mistake. */
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** `~/…` against HOME; relative paths against the working directory (there is no config path here). */
export function expandTokenPath(path: string, env: Env): string {
  if (path === "~" || path.startsWith("~/")) return resolve(env.HOME ?? homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(path);
}

function settingName(accountId: string, key: string): string {
  return accountId === DEFAULT_ACCOUNT_ID ? `channels.telegram.${key}` : `channels.telegram.accounts.${accountId}.${key}`;
}

/** Reads a token file the way secrets are read: a regular file (lstat, so a symlink is refused), not empty. */
function readTokenFile(path: string, setting: string, env: Env): TokenResolution {
  const full = expandTokenPath(path, env);
  let stat;
  try {
    stat = lstatSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { ok: false, problem: `${setting} ${full} cannot be read (${code})` };
  }
  if (stat.isSymbolicLink()) return { ok: false, problem: `${setting} ${full} is a symlink; point it at the regular file itself` };
  if (!stat.isFile()) return { ok: false, problem: `${setting} ${full} is not a regular file` };
  let content: string;
  try {
    content = readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { ok: false, problem: `${setting} ${full} cannot be read (${code})` };
  }
  const token = content.trim();
  if (!token) return { ok: false, problem: `${setting} ${full} is empty` };
  return { ok: true, token, source: "tokenFile" };
}

function checked(token: string, source: TokenSource, setting: string): TokenResolution {
  // The value itself never goes into the message: it may be a real token with a typo.
  if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: `${setting} does not look like a Telegram bot token (<bot id>:<secret>)` };
  return { ok: true, token, source };
}

/** The token of one account from its merged section (root keys plus `accounts.<id>` overrides). */
export function resolveToken(accountId: string, section: Readonly<Record<string, unknown>>, env: Env): TokenResolution {
  const tokenFile = text(section.tokenFile);
  if (tokenFile) {
    const setting = settingName(accountId, "tokenFile");
    const read = readTokenFile(tokenFile, setting, env);
    return read.ok ? checked(read.token, "tokenFile", setting) : read;
  }
  const botToken = text(section.botToken);
  if (botToken) return checked(botToken, "botToken", settingName(accountId, "botToken"));
  const envToken = accountId === DEFAULT_ACCOUNT_ID ? text(env.TELEGRAM_BOT_TOKEN) : undefined;
  if (envToken) return checked(envToken, "env", "TELEGRAM_BOT_TOKEN");
  return {
    ok: false,
    problem:
      accountId === DEFAULT_ACCOUNT_ID
        ? "no bot token (set channels.telegram.botToken or TELEGRAM_BOT_TOKEN)"
        : `no bot token (set channels.telegram.accounts.${accountId}.botToken or tokenFile)`,
  };
}
