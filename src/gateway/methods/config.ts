/**
 * `config.*` over the control plane. Every write is checked against the hash of the text the
 * caller read (so two editors cannot silently overwrite each other), validated, written
 * atomically with a backup, applied in place, and, for `patch`/`apply`, followed by a
 * scheduled in-process restart.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { ConfigSnapshot, ConfigWriteParams } from "../../../protocol/methods/config.ts";
import { reloadOptions } from "../../config/load.ts";
import { mergePatch } from "../../config/merge-patch.ts";
import { ConfigError, parseConfigText, readConfigFile } from "../../config/read-config.ts";
import { saveDocument, type ConfigObject } from "../../config/config-document.ts";
import { redactConfig, redactRaw, restoreRedacted } from "../../config/redact-config.ts";
import { OpenClawConfig } from "../../../protocol/config-schema.ts";
import { applyOptions } from "../config-reloader.ts";
import type { MethodContext, MethodHandler, MethodHandlers } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";

type ConfigMethods = Pick<MethodHandlers, "config.get" | "config.schema" | "config.set" | "config.patch" | "config.apply">;

const hashOf = (raw: string | null) => (raw === null ? "" : createHash("sha256").update(raw).digest("hex"));

async function snapshot(ctx: MethodContext): Promise<ConfigSnapshot> {
  const path = ctx.services.options.paths.configPath;
  const raw = (await Bun.file(path).exists()) ? await Bun.file(path).text() : null;
  let parsed: unknown = null;
  let issues: string[] = [];
  let warnings: string[] = [];
  try {
    const file = raw === null ? { config: {}, warnings: [] } : parseConfigText(path, raw);
    parsed = file.config;
    warnings = file.warnings;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues = [...error.problems];
  }
  const config = redactConfig(parsed ?? {});
  return {
    path, exists: raw !== null, raw: raw === null ? null : redactRaw(raw, parsed), parsed: config, valid: issues.length === 0,
    config, hash: hashOf(raw), issues, warnings, legacyIssues: [],
  };
}

type WriteKind = "set" | "patch" | "apply";

async function write(kind: WriteKind, params: ConfigWriteParams, ctx: MethodContext) {
  const { services, session, connection } = ctx;
  const method = `config.${kind}`;
  const wait = services.configWrites.take(session.deviceId ?? connection.remoteAddress);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new RpcError(ErrorCodes.UNAVAILABLE, `rate limit exceeded for ${method}; retry after ${seconds}s`, { method, limit: "3 per 60s" }, { retryable: true, retryAfterMs: wait });
  }
  const current = await readConfigFile(services.options.paths.configPath).catch((error) => {
    if (error instanceof ConfigError) return null; // a broken file may be replaced, not patched
    throw error;
  });
  const path = services.options.paths.configPath;
  const currentRaw = current?.raw ?? ((await Bun.file(path).exists()) ? await Bun.file(path).text() : null);
  if (currentRaw !== null && !params.baseHash) throw new RpcError(ErrorCodes.INVALID_REQUEST, "config base hash required; re-run config.get and retry");
  if (currentRaw !== null && params.baseHash !== hashOf(currentRaw)) {
    throw new RpcError(ErrorCodes.INVALID_REQUEST, "config changed since it was read (base hash mismatch); re-run config.get and retry");
  }
  let incoming: unknown;
  try {
    incoming = Bun.JSON5.parse(params.raw);
  } catch (error) {
    throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid config", { issues: [`raw is not valid JSON5: ${(error as Error).message}`] });
  }
  const base = current?.config ?? {};
  if (kind === "patch" && !current) throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid config", { issues: ["the current file does not parse; use config.apply"] });
  const next = restoreRedacted(kind === "patch" ? mergePatch(base, incoming) : incoming, base);
  let saved;
  try {
    if (next === null || typeof next !== "object" || Array.isArray(next)) throw new ConfigError(path, ["(root): must be an object"]);
    saved = await saveDocument(path, next as ConfigObject);
  } catch (error) {
    if (error instanceof ConfigError) throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid config", { issues: error.problems });
    throw error;
  }
  // Our own write, applied below: the file watcher must not treat it as an outside edit.
  services.configWatcher?.markSeen(saved.text);
  const file = { path, exists: true, raw: saved.text, ...parseConfigText(path, saved.text) };
  applyOptions(services, reloadOptions(services.options, file));
  services.log.info(`config ${kind} by ${session.client.id} (${session.deviceId ?? connection.remoteAddress})`);
  const result = { ok: true, path, config: redactConfig(file.config) };
  if (kind === "set") return result;
  const payload = { kind: `config.${kind}`, sessionKey: params.sessionKey, note: params.note, ts: services.now() };
  const sentinel = join(services.options.paths.stateDir, "restart-sentinel.json");
  await Bun.write(sentinel, JSON.stringify(payload, null, 2));
  return { ...result, restart: services.restart.request(`config.${kind}`, params.restartDelayMs), sentinel: { path: sentinel, payload } };
}

const schemaResult = { schema: OpenClawConfig, uiHints: {}, version: 1, generatedAt: new Date().toISOString() };

export const configMethods: ConfigMethods = {
  "config.get": (_params, ctx) => snapshot(ctx),
  "config.schema": () => schemaResult,
  "config.set": ((params, ctx) => write("set", params, ctx)) as MethodHandler<ConfigWriteParams>,
  "config.patch": ((params, ctx) => write("patch", params, ctx)) as MethodHandler<ConfigWriteParams>,
  "config.apply": ((params, ctx) => write("apply", params, ctx)) as MethodHandler<ConfigWriteParams>,
};
