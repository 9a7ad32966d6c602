/**
 * Auth is on by default: when token mode has no token, the gateway makes one (48 hex chars),
 * saves it into the config file (atomic write, mode 0600) and says where, never what.
 */
import { randomBytes } from "node:crypto";
import { resolveOptions, type Options } from "../config/load.ts";
import { parseConfigText } from "../config/read-config.ts";
import { setAtPath, writeConfigAtomic } from "../config/write-config.ts";
import type { Logger } from "../log/logger.ts";

export function generateToken(): string {
  return randomBytes(24).toString("hex");
}

/** Returns options that carry a secret, writing a generated token into the config when needed. */
export async function ensureGatewaySecret(options: Readonly<Options>, log: Logger): Promise<Readonly<Options>> {
  if (options.auth.mode !== "token" || options.auth.token) return options;
  const path = options.paths.configPath;
  const raw = options.file.raw ?? "";
  const parsed = raw.trim() === "" ? {} : (Bun.JSON5.parse(raw) as Record<string, unknown>);
  const token = generateToken();
  setAtPath(parsed, ["gateway", "auth", "token"], token);
  const text = JSON.stringify(parsed, null, 2) + "\n";
  await writeConfigAtomic(path, text);
  log.info(`generated a gateway token and saved it to ${path} (gateway.auth.token); clients read it from there`);
  const file = { path, exists: true, raw: text, ...parseConfigText(path, text) };
  return Object.freeze(resolveOptions(options.paths, file, options.env, options.portSource === "flag" ? options.port : undefined));
}
