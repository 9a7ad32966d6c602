/**
 * The agents the config names (`agents.defaults`, `agents.list[]`): ids, names, workspaces,
 * identities and run limits. The default agent is `main` (or the first listed one marked
 * `default: true`). Reads the loosely typed config defensively: odd values fall back to defaults.
 */
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { expandHome } from "../config/load.ts";
import { DEFAULT_MAX_CONCURRENT } from "./sessions/session-lanes.ts";

export const DEFAULT_AGENT_ID = "main";
/** `agents.defaults.timeoutSeconds` default, as the reference's. */
export const DEFAULT_RUN_TIMEOUT_MS = 600_000;
/** Model turns one run may take (each tool round is a turn). */
export const DEFAULT_MAX_TURNS = 16;

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface AgentIdentity {
  name?: string;
  emoji?: string;
  avatar?: string;
}

export interface AgentProfile {
  id: string;
  name?: string;
  isDefault: boolean;
  workspace: string;
  identity: AgentIdentity;
}

export interface AgentSettings {
  agents: AgentProfile[];
  defaultAgentId: string;
  timeoutMs: number;
  maxTurns: number;
  maxConcurrent: number;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const positive = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback);

function identityOf(value: unknown): AgentIdentity {
  if (!isObject(value)) return {};
  return { name: text(value.name), emoji: text(value.emoji), avatar: text(value.avatar) };
}

/** `defaultWorkspace` is the resolved workspace of the default agent (`options.workspace`). */
export function resolveAgents(config: Readonly<OpenClawConfig>, defaultWorkspace: string, home: string): AgentSettings {
  const defaults: Loose = isObject(config.agents?.defaults) ? (config.agents.defaults as Loose) : {};
  const listed = (config.agents?.list ?? []).filter(isObject);
  const agents: AgentProfile[] = [];
  for (const entry of listed) {
    const id = text(entry.id)?.toLowerCase();
    if (!id || !AGENT_ID.test(id) || agents.some((a) => a.id === id)) continue;
    const workspace = text(entry.workspace);
    agents.push({
      id,
      name: text(entry.name),
      isDefault: entry.default === true,
      workspace: workspace ? expandHome(workspace, home) : defaultWorkspace,
      identity: identityOf(entry.identity),
    });
  }
  if (!agents.some((a) => a.id === DEFAULT_AGENT_ID) && !agents.some((a) => a.isDefault)) {
    agents.unshift({ id: DEFAULT_AGENT_ID, isDefault: true, workspace: defaultWorkspace, identity: identityOf(defaults.identity) });
  }
  const chosen = agents.find((a) => a.isDefault) ?? agents.find((a) => a.id === DEFAULT_AGENT_ID) ?? agents[0]!;
  for (const agent of agents) agent.isDefault = agent === chosen;
  return {
    agents,
    defaultAgentId: chosen.id,
    timeoutMs: positive(defaults.timeoutSeconds, DEFAULT_RUN_TIMEOUT_MS / 1000) * 1000,
    maxTurns: Math.floor(positive(defaults.maxTurns, DEFAULT_MAX_TURNS)),
    maxConcurrent: Math.floor(positive(defaults.maxConcurrent, DEFAULT_MAX_CONCURRENT)),
  };
}

export function agentById(settings: AgentSettings, id: string | undefined): AgentProfile | undefined {
  return settings.agents.find((a) => a.id === (id?.toLowerCase() ?? settings.defaultAgentId));
}
