/**
 * One provider from `models.providers.<id>` merged over its well-known defaults: base URL, wire
 * format, key, headers and the per-model limits of its `models[]`. Problems become warnings and an
 * `unsupportedReason`; nothing here throws.
 */
import { isRecord, isLoopbackUrl, nonEmptyString, own, positiveInteger, substituteEnv, type Warn } from "./config-values.ts";
import { isSupportedApi, knownProvider, SUPPORTED_APIS } from "./known-providers.ts";

/** What `models.providers.<id>.models[]` says about one model. */
export interface ProviderModelEntry {
  contextWindow?: number;
  maxTokens?: number;
  /** `compat.supportsUsageInStreaming`. */
  usageInStreaming?: boolean;
  /** `compat.maxTokensField`. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

export interface ResolvedProvider {
  id: string;
  api: string;
  /** Without a trailing slash; null when neither the config nor the defaults give one. */
  baseUrl: string | null;
  apiKey: string | null;
  headers: Record<string, string>;
  /** Provider-level `maxTokens`, under each model's own. */
  maxTokens?: number;
  usageInStreaming: boolean;
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  models: Map<string, ProviderModelEntry>;
  /** Why its models cannot be called as configured, or null. */
  unsupportedReason: string | null;
}

export interface ProviderInput {
  id: string;
  /** The raw `models.providers.<id>` value, or undefined when the config has none. */
  entry: unknown;
  lookupEnv: (name: string) => string | undefined;
  warn: Warn;
}

/** Undefined for a provider that is neither configured nor well known. */
export function resolveProvider({ id, entry: rawEntry, lookupEnv, warn }: ProviderInput): ResolvedProvider | undefined {
  const known = knownProvider(id);
  if (rawEntry !== undefined && !isRecord(rawEntry)) warn(`models.providers.${id} must be an object; ignoring it`);
  const entry = isRecord(rawEntry) ? rawEntry : undefined;
  if (!entry && !known) return undefined;
  const where = `models.providers.${id}`;

  const baseUrl = readBaseUrl(entry && own(entry, "baseUrl"), known?.baseUrl, where, warn);
  const api = readApi(entry && own(entry, "api"), known?.api, where, warn);
  const apiKey = readApiKey({ value: entry && own(entry, "apiKey"), envVar: known?.envVar, where, lookupEnv, warn });
  const headers = { ...readHeaders(entry && own(entry, "headers"), `${where}.headers`, lookupEnv, warn) };
  const request = entry && own(entry, "request");
  if (isRecord(request)) Object.assign(headers, readHeaders(own(request, "headers"), `${where}.request.headers`, lookupEnv, warn));

  let unsupportedReason: string | null = null;
  if (!isSupportedApi(api)) {
    unsupportedReason = `provider "${id}" uses api "${api}", which this gateway does not support (supported: ${SUPPORTED_APIS.join(", ")}); set ${where}.api`;
    warn(unsupportedReason);
  } else if (!baseUrl) {
    unsupportedReason = `provider "${id}" has no base URL: set ${where}.baseUrl`;
  } else if (!apiKey && known?.requiresKey) {
    const envHint = known.envVar ? `${known.envVar} or ` : "";
    unsupportedReason = `provider "${id}" has no API key: set ${envHint}${where}.apiKey`;
  }

  return {
    id,
    api,
    baseUrl,
    apiKey,
    headers,
    maxTokens: positiveInteger(entry && own(entry, "maxTokens"), `${where}.maxTokens`, warn),
    usageInStreaming: known?.usageInStreaming === true || (baseUrl !== null && isLoopbackUrl(baseUrl)),
    maxTokensField: known?.maxTokensField,
    models: readModels(entry && own(entry, "models"), `${where}.models`, warn),
    unsupportedReason,
  };
}

function readBaseUrl(value: unknown, fallback: string | undefined, where: string, warn: Warn): string | null {
  if (value === undefined) return fallback ?? null;
  const text = nonEmptyString(value);
  let url: URL | undefined;
  try {
    url = text ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (!text || !url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    warn(`${where}.baseUrl must be an http(s) URL; ${fallback ? "using the default" : "ignoring it"}`);
    return fallback ?? null;
  }
  return text.replace(/\/+$/, "");
}

/** A custom provider with a base URL and no `api` speaks Chat Completions (§4.1). */
function readApi(value: unknown, fallback: string | undefined, where: string, warn: Warn): string {
  if (value !== undefined && nonEmptyString(value) === undefined) warn(`${where}.api must be a string; using the default`);
  return nonEmptyString(value) ?? fallback ?? "openai-completions";
}

interface ApiKeyInput {
  value: unknown;
  envVar: string | undefined;
  where: string;
  lookupEnv: (name: string) => string | undefined;
  warn: Warn;
}

/** A literal, `${ENV}` substitution, a `{source:"env", id}` SecretRef, or the provider's usual env var. */
function readApiKey({ value, envVar, where, lookupEnv, warn }: ApiKeyInput): string | null {
  if (typeof value === "string" && value.trim() !== "") {
    const { value: key, missing } = substituteEnv(value.trim(), lookupEnv);
    if (missing.length === 0) return key;
    warn(`${where}.apiKey refers to ${missing.map((name) => `\${${name}}`).join(", ")}, which is not set`);
    return null;
  }
  if (isRecord(value)) {
    const id = nonEmptyString(own(value, "id"));
    if (own(value, "source") === "env" && id) {
      const key = lookupEnv(id);
      if (!key) warn(`${where}.apiKey refers to the env var ${id}, which is not set`);
      return key ?? null;
    }
    warn(`${where}.apiKey: only literal keys, \${ENV_VAR} and {"source":"env","id":…} are supported`);
    return null;
  }
  if (value !== undefined && value !== null && value !== "") warn(`${where}.apiKey must be a string`);
  return (envVar && lookupEnv(envVar)) || null;
}

function readHeaders(value: unknown, where: string, lookupEnv: (name: string) => string | undefined, warn: Warn): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    warn(`${where} must be an object of strings`);
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (typeof raw !== "string") {
      warn(`${where}.${name} must be a string; ignoring it`);
      continue;
    }
    const { value: text, missing } = substituteEnv(raw, lookupEnv);
    if (missing.length > 0) warn(`${where}.${name} refers to ${missing.map((n) => `\${${n}}`).join(", ")}, which is not set; not sending it`);
    else headers[name] = text;
  }
  return headers;
}

function readModels(value: unknown, where: string, warn: Warn): Map<string, ProviderModelEntry> {
  const models = new Map<string, ProviderModelEntry>();
  if (value === undefined) return models;
  if (!Array.isArray(value)) {
    warn(`${where} must be an array`);
    return models;
  }
  value.forEach((item, index) => {
    const id = isRecord(item) ? nonEmptyString(own(item, "id")) : undefined;
    if (!isRecord(item) || !id) {
      warn(`${where}[${index}] needs an "id"; ignoring it`);
      return;
    }
    const compat = own(item, "compat");
    const usage = isRecord(compat) ? own(compat, "supportsUsageInStreaming") : undefined;
    const field = isRecord(compat) ? own(compat, "maxTokensField") : undefined;
    if (field !== undefined && field !== "max_tokens" && field !== "max_completion_tokens") {
      warn(`${where}[${index}].compat.maxTokensField must be "max_tokens" or "max_completion_tokens"`);
    }
    models.set(id, {
      contextWindow: positiveInteger(own(item, "contextWindow"), `${where}[${index}].contextWindow`, warn),
      maxTokens: positiveInteger(own(item, "maxTokens"), `${where}[${index}].maxTokens`, warn),
      usageInStreaming: typeof usage === "boolean" ? usage : undefined,
      maxTokensField: field === "max_tokens" || field === "max_completion_tokens" ? field : undefined,
    });
  });
  return models;
}
