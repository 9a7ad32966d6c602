/**
 * `config.*` over the control plane. Every write goes through `updateConfig`: checked against
 * the hash of the text the caller read (so two editors cannot silently overwrite each other),
 * validated, written atomically with a backup and applied in place, all in one critical section
 * per config file; `patch`/`apply` are then followed by a scheduled in-process restart.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { ConfigSnapshot, ConfigWriteParams } from "../../../protocol/methods/config.ts";
import { OpenClawConfig } from "../../../protocol/config-schema.ts";
import { patchEdit, replaceEdit } from "../../config/config-edits.ts";
import { ConfigConflictError, hashConfigText, updateConfig } from "../../config/config-writer.ts";
import { reloadOptions } from "../../config/load.ts";
import { ConfigError, parseConfigText } from "../../config/read-config.ts";
import { redactConfig, redactRaw } from "../../config/redact-config.ts";
import { applyOptions } from "../config-reloader.ts";
import type { MethodContext, MethodHandler, MethodHandlers } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";

type ConfigMethods = Pick<MethodHandlers, "config.get" | "config.schema" | "config.set" | "config.patch" | "config.apply">;

const CONFLICT_MESSAGES = {
  "base-hash-required": "config base hash required; re-run config.get and retry",
  "base-hash-mismatch": "config changed since it was read (base hash mismatch); re-run config.get and retry",
} as const;

async function readText(path: string): Promise<string | null> {
  return readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
}

async function snapshot(services: GatewayServices): Promise<ConfigSnapshot> {
  const path = services.options.paths.configPath;
  const raw = await readText(path);
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
    config, hash: hashConfigText(raw), issues, warnings, legacyIssues: [],
  };
}

type WriteKind = "set" | "patch" | "apply";

/** Who is writing, for the write budget and the log: the device, else the peer address. */
interface WriteOrigin {
  key: string;
  clientId: string;
}

async function write(kind: WriteKind, params: ConfigWriteParams, services: GatewayServices, origin: WriteOrigin) {
  const method = `config.${kind}`;
  const wait = services.configWrites.take(origin.key);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw RpcError.retryLater(ErrorCodes.UNAVAILABLE, `rate limit exceeded for ${method}; retry after ${seconds}s`, { details: { method, limit: "3 per 60s" }, retryAfterMs: wait });
  }
  const path = services.options.paths.configPath;
  let written;
  try {
    written = await updateConfig({
      path,
      baseHash: params.baseHash || null,
      edit: kind === "patch" ? patchEdit(params.raw) : replaceEdit(params.raw),
      now: services.now,
      apply: (file) => {
        // Our own write, applied here: the file watcher must not treat it as an outside edit.
        services.configWatcher?.markSeen(file.raw!);
        applyOptions(services, reloadOptions(services.options, file));
      },
    });
  } catch (error) {
    if (error instanceof ConfigConflictError) throw new RpcError(ErrorCodes.INVALID_REQUEST, CONFLICT_MESSAGES[error.reason], { reason: error.reason });
    if (error instanceof ConfigError) throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid config", { issues: error.problems });
    throw error;
  }
  services.log.info(`config ${kind} by ${origin.clientId} (${origin.key})`);
  const result = { ok: true, path, config: redactConfig(written.file.config) };
  if (kind === "set") return result;
  const payload = { kind: method, sessionKey: params.sessionKey, note: params.note, ts: services.now() };
  const sentinel = join(services.options.paths.stateDir, "restart-sentinel.json");
  await Bun.write(sentinel, JSON.stringify(payload, null, 2));
  return { ...result, restart: services.restart.request(method, params.restartDelayMs), sentinel: { path: sentinel, payload } };
}

/** The one place that reads the method context for writes. */
const originOf = (ctx: MethodContext): WriteOrigin => ({ key: ctx.session.deviceId ?? ctx.caller.remoteAddress, clientId: ctx.session.client.id });

const writer =
  (kind: WriteKind): MethodHandler<`config.${WriteKind}`> =>
  (params, ctx) =>
    write(kind, params, ctx.services, originOf(ctx));

const schemaResult = { schema: OpenClawConfig, uiHints: {}, version: 1, generatedAt: new Date().toISOString() };

export const configMethods: ConfigMethods = {
  "config.get": (_params, ctx) => snapshot(ctx.services),
  "config.schema": () => schemaResult,
  "config.set": writer("set"),
  "config.patch": writer("patch"),
  "config.apply": writer("apply"),
};
