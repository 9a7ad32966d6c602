/**
 * Which agent and which session an OpenAI-compatible request runs in (protocol.md §8.1):
 * the `x-openclaw-agent-id` (or `x-openclaw-agent`) header, else an agent-target `model`
 * (`openclaw:<id>`, `openclaw/<id>`, `agent:<id>`; `openclaw` and `openclaw/default` mean the
 * default agent), else the default agent (`main` unless `agents.list` marks another). Any other
 * `model` (`gpt-4o`) is a client default, not a request for a backend model, so it also runs the
 * default agent. An id no configured agent has is refused rather than silently run as another.
 */
import type { Options } from "../../../config/load.ts";
import { resolveAgents, type AgentSettings } from "../../../agent/agents.ts";
import { httpSessionKey, parseSessionKey, SessionKeyError, type HttpSurface } from "../../../agent/sessions/session-key.ts";

export interface AgentTarget {
  agentId: string;
  sessionKey: string;
}

const MODEL_TARGET = /^(?:openclaw[:/]|agent:)(.+)$/i;
/** Sessions the gateway itself runs (sub-agents, cron jobs, ACP): an HTTP client may not write into them. */
const RESERVED_REST = /^(?:subagent|cron|acp):/;

export function agentSettings(options: Readonly<Options>): AgentSettings {
  return resolveAgents(options.config, options.workspace, options.paths.home);
}

function headerAgent(headers: Headers): string | undefined {
  return (headers.get("x-openclaw-agent-id") ?? headers.get("x-openclaw-agent"))?.trim() || undefined;
}

/** The agent id a `model` names, `default` for the default agent, or undefined when it names none. */
function modelAgent(model: string): string | undefined {
  if (model.toLowerCase() === "openclaw") return "default";
  return MODEL_TARGET.exec(model.trim())?.[1]?.trim() || undefined;
}

export type TargetResult = { ok: true; target: AgentTarget } | { ok: false; message: string };

export function resolveTarget(request: Request, model: string, user: string | undefined, surface: HttpSurface, options: Readonly<Options>): TargetResult {
  const settings = agentSettings(options);
  const named = headerAgent(request.headers) ?? modelAgent(model);
  const agentId = !named || named.toLowerCase() === "default" ? settings.defaultAgentId : named.toLowerCase();
  if (!settings.agents.some((agent) => agent.id === agentId)) {
    return { ok: false, message: `Unknown agent: ${agentId.slice(0, 64)}` };
  }
  try {
    const sessionKey = httpSessionKey({ surface, agentId, headerKey: request.headers.get("x-openclaw-session-key"), user });
    if (RESERVED_REST.test(parseSessionKey(sessionKey)?.rest ?? "")) {
      return { ok: false, message: "x-openclaw-session-key uses a reserved namespace (subagent:, cron:, acp:)" };
    }
    return { ok: true, target: { agentId, sessionKey } };
  } catch (error) {
    if (error instanceof SessionKeyError) return { ok: false, message: error.message };
    throw error;
  }
}
