/**
 * Which model refs each agent uses: `agents.defaults.model` and `agents.list[].model`, each
 * `"provider/model"` or `{primary, fallbacks}` (channels-and-models.md §4.2).
 */
import { isRecord, nonEmptyString, own, recordAt, type Warn } from "./config-values.ts";

/** The agent id used when the config lists no agents. */
export const DEFAULT_AGENT_ID = "main";

/** `undefined` fields inherit from `agents.defaults.model`. */
export interface ModelSelection {
  primary?: string;
  fallbacks?: string[];
}

export interface AgentModels {
  defaults: ModelSelection;
  /** Keyed by lowercased agent id. */
  agents: Map<string, ModelSelection>;
  /** `agents.list[]` entry with `default: true`, else the first entry, else `main`. */
  defaultAgentId: string;
}

/** Splits at the FIRST `/`: `openrouter/anthropic/claude-sonnet-4-5` is provider `openrouter`. */
export function splitModelRef(ref: string): { provider: string; modelId: string } | null {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1) return null;
  return { provider: ref.slice(0, slash).trim(), modelId: ref.slice(slash + 1).trim() };
}

export function readAgentModels(config: unknown, warn: Warn): AgentModels {
  const agentsSection = recordAt(config, "agents");
  const defaultsSection = agentsSection && recordAt(agentsSection, "defaults");
  const defaults = readSelection(defaultsSection && own(defaultsSection, "model"), "agents.defaults.model", warn);
  const agents = new Map<string, ModelSelection>();
  let defaultAgentId: string | undefined;
  let firstAgentId: string | undefined;

  const list = agentsSection && own(agentsSection, "list");
  if (list !== undefined && !Array.isArray(list)) warn("agents.list must be an array");
  if (Array.isArray(list)) {
    list.forEach((item, index) => {
      const id = isRecord(item) ? nonEmptyString(own(item, "id"))?.toLowerCase() : undefined;
      if (!isRecord(item) || !id) {
        warn(`agents.list[${index}] needs an "id"; ignoring it`);
        return;
      }
      firstAgentId ??= id;
      if (own(item, "default") === true) defaultAgentId ??= id;
      agents.set(id, readSelection(own(item, "model"), `agents.list[${index}].model`, warn));
    });
  }
  return { defaults, agents, defaultAgentId: defaultAgentId ?? firstAgentId ?? DEFAULT_AGENT_ID };
}

/**
 * An agent's refs, primary first. A per-agent string replaces only the primary; an object's
 * `fallbacks` replaces the defaults' (`[]` turns them off), as in OpenClaw.
 */
export function refsFor(models: AgentModels, agentId: string | undefined): string[] {
  const agent = models.agents.get((agentId ?? models.defaultAgentId).toLowerCase()) ?? {};
  const primary = agent.primary ?? models.defaults.primary;
  const fallbacks = agent.fallbacks ?? models.defaults.fallbacks ?? [];
  return [...new Set([...(primary ? [primary] : []), ...fallbacks])];
}

function readSelection(value: unknown, where: string, warn: Warn): ModelSelection {
  if (value === undefined || value === null) return {};
  if (typeof value === "string") {
    const primary = nonEmptyString(value);
    if (!primary) warn(`${where} is empty`);
    return primary ? { primary } : {};
  }
  if (!isRecord(value)) {
    warn(`${where} must be "provider/model" or {primary, fallbacks}`);
    return {};
  }
  const selection: ModelSelection = {};
  const primary = own(value, "primary");
  if (nonEmptyString(primary)) selection.primary = nonEmptyString(primary);
  else if (primary !== undefined) warn(`${where}.primary must be "provider/model"`);

  const fallbacks = own(value, "fallbacks");
  if (Array.isArray(fallbacks)) {
    selection.fallbacks = [];
    fallbacks.forEach((item, index) => {
      const ref = nonEmptyString(item);
      if (ref) selection.fallbacks!.push(ref);
      else warn(`${where}.fallbacks[${index}] must be "provider/model"; ignoring it`);
    });
  } else if (fallbacks !== undefined) {
    warn(`${where}.fallbacks must be an array of "provider/model"`);
  }
  return selection;
}
