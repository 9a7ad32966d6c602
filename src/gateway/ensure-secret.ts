/**
 * Auth is on by default: when token mode has no token, the gateway makes one (48 hex chars),
 * saves it into the config file (atomic write, mode 0600) and says where, never what.
 */
import { randomBytes } from "node:crypto";
import { reloadOptions, type Options } from "../config/load.ts";
import { getAtPath, setPath } from "../config/config-document.ts";
import { removeStaleTempFiles, updateConfig } from "../config/config-writer.ts";
import type { Logger } from "../log/logger.ts";

export function generateToken(): string {
  return randomBytes(24).toString("hex");
}

/** Returns options that carry a secret, writing a generated token into the config when needed. */
export async function ensureGatewaySecret(options: Readonly<Options>, log: Logger): Promise<Readonly<Options>> {
  const path = options.paths.configPath;
  // Here because this runs at every start: a config write cut short by a crash leaves a temp file holding the token.
  for (const stale of await removeStaleTempFiles(path)) log.warn(`removed ${stale}, left by an interrupted config write`);
  if (options.auth.mode !== "token" || options.auth.token) return options;
  let markedLocal = false;
  // Edits the file as it is now rather than as it was loaded, so a change made since is kept.
  const { file } = await updateConfig({
    path,
    edit: (current) => {
      const doc = current.document();
      setPath(doc, ["gateway", "auth", "token"], generateToken());
      // Without a mode we only got here through --allow-unconfigured. The file we write now is a
      // local gateway's config, so mark it as one: otherwise the next plain `openclaw gateway`
      // refuses the very file this start created. An explicit mode (e.g. "remote") is kept.
      markedLocal = getAtPath(doc, ["gateway", "mode"]) === undefined;
      if (markedLocal) setPath(doc, ["gateway", "mode"], "local");
      return doc;
    },
  });
  const also = markedLocal ? ' and gateway.mode = "local", so later starts need no --allow-unconfigured' : "";
  log.info(`generated a gateway token and saved it to ${path} (gateway.auth.token)${also}; clients read it from there`);
  return reloadOptions(options, file);
}
