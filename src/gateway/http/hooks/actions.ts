/**
 * The two direct hook actions (protocol.md §8.4): `wake` queues a system event, `agent` starts
 * an agent run in the background and answers with its id at once. Payload errors are
 * `400 {ok:false, error}`. Fields for channel delivery (`deliver`, `channel`, `to`), `model`,
 * `thinking` and `wakeMode` are accepted and have no effect yet: there are no channels to
 * deliver to, and runs use the agent's configured model.
 */
import { ErrorCodes } from "../../../../protocol/errors.ts";
import { resolveAgents } from "../../../agent/agents.ts";
import { normalizeSessionKey, SessionKeyError } from "../../../agent/sessions/session-key.ts";
import type { AgentRunResult } from "../../../agent/runner-types.ts";
import { RpcError } from "../../rpc/rpc-error.ts";
import { SYSTEM_EVENT_QUEUE_MAX } from "../../methods/system.ts";
import type { GatewayServices } from "../../services.ts";
import { json } from "../responses.ts";

const WAKE_MODES = ["now", "next-heartbeat"] as const;
/** How much of a hook run's answer its completion event carries. */
const SUMMARY_MAX_CHARS = 2000;

type Loose = Record<string, unknown>;

function refuse(error: string, status = 400): Response {
  return json(status, { ok: false, error });
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);

function queueSystemEvent(services: GatewayServices, line: string): void {
  services.systemEvents.push(line);
  if (services.systemEvents.length > SYSTEM_EVENT_QUEUE_MAX) services.systemEvents.shift();
}

/** `POST <path>/wake {text, mode?}` → `200 {ok:true, mode}`. */
export function wake(body: Loose, services: GatewayServices): Response {
  const line = text(body.text);
  if (!line) return refuse("text required");
  const mode = body.mode ?? "now";
  if (!WAKE_MODES.includes(mode as (typeof WAKE_MODES)[number])) return refuse('mode must be "now" or "next-heartbeat"');
  queueSystemEvent(services, line);
  services.log.withTag("hooks").info(`wake queued a system event (mode ${String(mode)})`);
  return json(200, { ok: true, mode });
}

interface AgentAction {
  message: string;
  name: string;
  agentId: string;
  sessionKey: string;
  timeoutMs: number | undefined;
  deliver: boolean;
}

function agentAction(body: Loose, services: GatewayServices): AgentAction | string {
  const message = text(body.message);
  if (!message) return "message required";
  const options = services.options;
  const settings = resolveAgents(options.config, options.workspace, options.paths.home);
  const agentId = text(body.agentId)?.toLowerCase() ?? settings.defaultAgentId;
  if (!settings.agents.some((agent) => agent.id === agentId)) return `unknown agentId: ${agentId.slice(0, 64)}`;
  let timeoutMs: number | undefined;
  if (body.timeoutSeconds !== undefined) {
    const seconds = body.timeoutSeconds;
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return "timeoutSeconds must be a positive number";
    timeoutMs = Math.round(seconds * 1000);
  }
  let sessionKey: string;
  try {
    // Without a key each hook call is its own conversation, as the reference's `hook:<uuid>`.
    sessionKey = normalizeSessionKey(text(body.sessionKey) ?? `hook:${crypto.randomUUID()}`, { defaultAgentId: agentId });
  } catch (error) {
    if (error instanceof SessionKeyError) return error.message;
    throw error;
  }
  return { message, name: text(body.name)?.slice(0, 100) ?? "Hook", agentId, sessionKey, timeoutMs, deliver: body.deliver !== false };
}

/** `POST <path>/agent {message, name?, agentId?, sessionKey?, timeoutSeconds?, …}` → `202 {ok:true, runId}`. */
export function agent(body: Loose, services: GatewayServices): Response {
  const action = agentAction(body, services);
  if (typeof action === "string") return refuse(action);
  const log = services.log.withTag("hooks");
  const runId = crypto.randomUUID();
  let result: Promise<AgentRunResult>;
  try {
    result = services.agent.start({
      runId,
      agentId: action.agentId,
      sessionKey: action.sessionKey,
      message: action.message,
      timeoutMs: action.timeoutMs,
      // The payload comes from outside: the runtime shows it to the model as data from this source.
      source: { channel: "hook", label: action.name },
    }).result;
  } catch (error) {
    if (error instanceof RpcError && error.code === ErrorCodes.UNAVAILABLE) return refuse(error.message, 503);
    if (error instanceof RpcError && error.code === ErrorCodes.INVALID_REQUEST) return refuse(error.message);
    throw error;
  }
  void result.then((done) => {
    const line = `hook agent run completed: runId=${runId} name=${JSON.stringify(action.name)} status=${done.status}`;
    if (done.status === "ok") log.info(line);
    else log.warn(`${line}${done.meta.error ? ` (${done.meta.error.kind})` : ""}`);
    // What the reference calls delivery without a channel: a completion note for the operator.
    if (action.deliver) queueSystemEvent(services, completionNote(action.name, done));
  });
  return json(202, { ok: true, runId });
}

function completionNote(name: string, done: AgentRunResult): string {
  if (done.status !== "ok") return `Hook ${name} (${done.status})`;
  const summary = done.text.trim();
  if (!summary) return `Hook ${name}: done`;
  return `Hook ${name}: ${summary.length > SUMMARY_MAX_CHARS ? `${summary.slice(0, SUMMARY_MAX_CHARS)}…` : summary}`;
}
