/**
 * Where a Telegram account's token lives in the config (`channels.telegram.botToken` for the
 * default account, `channels.telegram.accounts.<id>.botToken` for others) and the write that
 * sets it: read the config with its hash, change that one key, `config.set` with the hash.
 * The config comes back redacted; the placeholders sent back keep the other secrets as they are.
 */
import type { ConfigSnapshot } from "../../../../protocol/methods/config.ts";
import { describeError } from "../../components/describe-error.ts";
import type { GatewayClient } from "../../gateway/client.ts";
import { saveConfig } from "../config/save-config.ts";

/** `REDACTED` in protocol/methods/config.ts (copied: importing it would bundle the schema builder). */
const REDACTED = "__OPENCLAW_REDACTED__";

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function accountPath(accountId: string): string[] {
  return accountId === "default" ? ["channels", "telegram"] : ["channels", "telegram", "accounts", accountId];
}

export function telegramSection(config: unknown, accountId: string): { hasToken: boolean; tokenFile: boolean } {
  let node: unknown = config;
  for (const key of accountPath(accountId)) node = isObject(node) ? node[key] : undefined;
  const section = isObject(node) ? node : {};
  return { hasToken: section.botToken === REDACTED || (typeof section.botToken === "string" && section.botToken !== ""), tokenFile: typeof section.tokenFile === "string" && section.tokenFile !== "" };
}

function withToken(config: unknown, accountId: string, token: string): Obj {
  const doc: Obj = structuredClone(isObject(config) ? config : {});
  let node = doc;
  for (const key of accountPath(accountId)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Obj;
  }
  node.botToken = token;
  return doc;
}

export async function saveTelegramToken(gateway: GatewayClient, accountId: string, token: string): Promise<{ ok: boolean; text: string }> {
  // A write that raced another one is tried once more on the fresh file.
  for (let attempt = 0; attempt < 2; attempt++) {
    let snapshot: ConfigSnapshot;
    try {
      snapshot = await gateway.request<ConfigSnapshot>("config.get", {});
    } catch (error) {
      return { ok: false, text: describeError(error, "read the config") };
    }
    if (!snapshot.valid) return { ok: false, text: "The config file does not validate, so nothing was changed. Fix it on the Config page first, then save the token again." };
    const outcome = await saveConfig(gateway, "set", JSON.stringify(withToken(snapshot.config, accountId, token), null, 2), snapshot.hash);
    switch (outcome.kind) {
      case "saved":
        return { ok: true, text: `Saved. The Telegram account ${accountId} restarts with the new token; its status above follows.` };
      case "conflict":
        continue;
      case "invalid":
        return { ok: false, text: `The gateway refused the change: ${outcome.issues.join("; ")}. Fix the config on the Config page, then try again.` };
      case "failed":
        return { ok: false, text: outcome.message };
      case "rebased":
        break;
    }
  }
  return { ok: false, text: "The config kept changing while saving (another writer is busy). Wait a moment and save again." };
}
