/**
 * Config + env → the models each agent calls, primary first, each with everything its client
 * needs. Reads the loosely typed `models`, `agents` and `env` sections defensively: odd input
 * becomes a warning, never an exception, so a bad model config cannot stop the gateway.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import { envLookup, isRecord, nonEmptyString, own, recordAt, type Env } from "./config-values.ts";
import { knownProviderIds } from "./known-providers.ts";
import { readAgentModels, refsFor, splitModelRef, DEFAULT_AGENT_ID } from "./model-refs.ts";
import { resolveProvider, type ResolvedProvider } from "./resolve-provider.ts";
import type { ResolvedModel } from "./types.ts";

export { DEFAULT_AGENT_ID };

/** What the runtime reports (UNAVAILABLE) when an agent has no model at all. */
export const NO_MODEL_MESSAGE =
  'no model configured: set agents.defaults.model (e.g. "openai/gpt-4o-mini") and the provider\'s API key (OPENAI_API_KEY)';

const DEFAULT_CONTEXT_WINDOW = 200_000;
const DEFAULT_MAX_TOKENS = 8192;

export interface ResolvedModels {
  /**
   * The agent's models, primary then fallbacks (default agent when `agentId` is omitted; an
   * unknown agent gets `agents.defaults.model`). Empty means {@link NO_MODEL_MESSAGE}. Models with
   * `supported: false` are included so the runtime can report why or fall back.
   */
  modelsFor(agentId?: string): ResolvedModel[];
  /** The `agents.list[]` default, else the first entry, else `main`. */
  defaultAgentId: string;
  /** One line per problem found, naming the config key; they never contain a key. */
  warnings: string[];
}

export function resolveModels(config: OpenClawConfig | unknown, env: Env): ResolvedModels {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const lookupEnv = envLookup(config, env);
  const providerEntries = recordAt(config, "models", "providers") ?? {};
  const modelsSection = recordAt(config, "models");
  if (isRecord(config) && own(config, "models") !== undefined && !modelsSection) warn("models must be an object");
  if (modelsSection && own(modelsSection, "providers") !== undefined && !recordAt(modelsSection, "providers")) {
    warn("models.providers must be an object keyed by provider id");
  }

  const providers = new Map<string, ResolvedProvider | undefined>();
  const providerFor = (id: string) => {
    if (!providers.has(id)) providers.set(id, resolveProvider({ id, entry: own(providerEntries, id), lookupEnv, warn }));
    return providers.get(id);
  };
  // Every configured provider is checked up front, so an unsupported `api` is reported even
  // before a model ref points at it.
  for (const id of Object.keys(providerEntries)) providerFor(id);

  const agentModels = readAgentModels(config, warn);
  const aliases = readAliases(config);
  const cache = new Map<string, ResolvedModel | null>();
  const modelFor = (ref: string): ResolvedModel | null => {
    if (!cache.has(ref)) cache.set(ref, buildModel({ ref, aliases, providerEntries, providerFor, warn }));
    return cache.get(ref)!;
  };
  // Resolve every referenced model now so the warnings are complete before the first run.
  const agentIds = [undefined, ...agentModels.agents.keys()];
  for (const agentId of agentIds) for (const ref of refsFor(agentModels, agentId)) modelFor(ref);

  return {
    defaultAgentId: agentModels.defaultAgentId,
    warnings,
    modelsFor(agentId) {
      return refsFor(agentModels, agentId)
        .map(modelFor)
        .filter((model): model is ResolvedModel => model !== null)
        .map((model) => ({ ...model, headers: { ...model.headers } }));
    },
  };
}

interface BuildInput {
  ref: string;
  aliases: Map<string, string>;
  providerEntries: Record<string, unknown>;
  providerFor: (id: string) => ResolvedProvider | undefined;
  warn: (message: string) => void;
}

function buildModel({ ref: written, aliases, providerEntries, providerFor, warn }: BuildInput): ResolvedModel | null {
  const ref = written.includes("/") ? written : resolveBareRef(written, aliases, providerEntries);
  const parts = ref ? splitModelRef(ref) : null;
  if (!ref || !parts) {
    warn(`model "${written}" is not "provider/model" and matches no alias or configured model; ignoring it`);
    return null;
  }
  const provider = providerFor(parts.provider);
  if (!provider) {
    const reason = `model "${ref}": unknown provider "${parts.provider}": add models.providers.${parts.provider} (baseUrl, api, apiKey) or use one of ${knownProviderIds().join(", ")}`;
    warn(reason);
    return unsupported(ref, parts, reason);
  }
  if (provider.unsupportedReason) warn(provider.unsupportedReason);
  const entry = provider.models.get(parts.modelId);
  const model: ResolvedModel = {
    ref,
    provider: provider.id,
    modelId: parts.modelId,
    api: provider.api,
    baseUrl: provider.baseUrl ?? "",
    apiKey: provider.apiKey,
    headers: provider.headers,
    contextWindow: entry?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
    maxTokens: entry?.maxTokens ?? provider.maxTokens ?? DEFAULT_MAX_TOKENS,
    usageInStreaming: entry?.usageInStreaming ?? provider.usageInStreaming,
  };
  const maxTokensField = entry?.maxTokensField ?? provider.maxTokensField;
  if (maxTokensField) model.maxTokensField = maxTokensField;
  if (provider.unsupportedReason) {
    model.supported = false;
    model.unsupportedReason = provider.unsupportedReason;
  }
  return model;
}

function unsupported(ref: string, parts: { provider: string; modelId: string }, reason: string): ResolvedModel {
  return {
    ref,
    provider: parts.provider,
    modelId: parts.modelId,
    api: "",
    baseUrl: "",
    apiKey: null,
    headers: {},
    contextWindow: DEFAULT_CONTEXT_WINDOW,
    maxTokens: DEFAULT_MAX_TOKENS,
    usageInStreaming: false,
    supported: false,
    unsupportedReason: reason,
  };
}

/** `agents.defaults.models["provider/model"].alias` → that ref. */
function readAliases(config: unknown): Map<string, string> {
  const aliases = new Map<string, string>();
  const entries = recordAt(config, "agents", "defaults", "models") ?? {};
  for (const [ref, value] of Object.entries(entries)) {
    const alias = isRecord(value) ? nonEmptyString(own(value, "alias")) : undefined;
    if (alias && ref.includes("/")) aliases.set(alias, ref);
  }
  return aliases;
}

/** A bare id: an alias, else the one configured provider listing that model id (§4.2). */
function resolveBareRef(id: string, aliases: Map<string, string>, providerEntries: Record<string, unknown>): string | undefined {
  const alias = aliases.get(id);
  if (alias) return alias;
  const matches = Object.entries(providerEntries).filter(([, entry]) => {
    const models = isRecord(entry) ? own(entry, "models") : undefined;
    return Array.isArray(models) && models.some((item) => isRecord(item) && own(item, "id") === id);
  });
  return matches.length === 1 ? `${matches[0]![0]}/${id}` : undefined;
}
