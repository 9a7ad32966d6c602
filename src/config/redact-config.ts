/**
 * Secrets in config snapshots: values under secret-named keys become a placeholder on the way
 * out, and a placeholder coming back in a write keeps the value the file already has, so a
 * client can round-trip a config it was never allowed to see in full.
 */
import { REDACTED } from "../../protocol/methods/config.ts";

const SECRET_KEYS = new Set(["token", "password", "secret", "apikey", "bottoken", "accesstoken", "refreshtoken", "privatekey", "clientsecret", "webhooksecret"]);

/** `token`, `botToken`, `api_key`, `client-secret`, …: a key whose string value is a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ""));
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function redactConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretKey(key) && typeof item === "string" && item !== "" ? REDACTED : redactConfig(item)]),
  );
}

/** Every secret string in the config, to mask them in the raw text as well. */
export function secretValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => secretValues(item, out));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key) && typeof item === "string" && item !== "") out.push(item);
      else secretValues(item, out);
    }
  }
  return out;
}

export function redactRaw(raw: string, config: unknown): string {
  let text = raw;
  for (const secret of secretValues(config).sort((a, b) => b.length - a.length)) text = text.split(secret).join(REDACTED);
  return text;
}

/** Puts current values back wherever `incoming` still holds the placeholder. */
export function restoreRedacted(incoming: unknown, current: unknown): unknown {
  if (incoming === REDACTED) return current;
  if (Array.isArray(incoming)) return incoming.map((item, i) => restoreRedacted(item, Array.isArray(current) ? current[i] : undefined));
  if (!isObject(incoming)) return incoming;
  const base = isObject(current) ? current : {};
  return Object.fromEntries(Object.entries(incoming).map(([key, item]) => [key, restoreRedacted(item, base[key])]));
}
