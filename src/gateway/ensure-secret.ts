/**
 * Auth is on by default: when token mode has no token, the gateway makes one (48 hex chars),
 * saves it into the config file (atomic write, mode 0600) and says where, never what.
 */
import { randomBytes } from "node:crypto";
import { reloadOptions, type Options } from "../config/load.ts";
import { parseConfigText } from "../config/read-config.ts";
import { saveDocument, setPath, type ConfigObject } from "../config/config-document.ts";
import type { Logger } from "../log/logger.ts";

export function generateToken(): string {
  return randomBytes(24).toString("hex");
}

/** Returns options that carry a secret, writing a generated token into the config when needed. */
export async function ensureGatewaySecret(options: Readonly<Options>, log: Logger): Promise<Readonly<Options>> {
  if (options.auth.mode !== "token" || options.auth.token) return options;
  const path = options.paths.configPath;
  const doc = structuredClone(options.config) as ConfigObject;
  setPath(doc, ["gateway", "auth", "token"], generateToken());
  const { text } = await saveDocument(path, doc);
  log.info(`generated a gateway token and saved it to ${path} (gateway.auth.token); clients read it from there`);
  const file = { path, exists: true, raw: text, ...parseConfigText(path, text) };
  return reloadOptions(options, file);
}
