/**
 * Which agent and which of its conversations the chat shows. The session list holds the agent's
 * most recent sessions only (the Sessions page searches all of them); the open session is
 * always among the choices, even when it is older or brand new.
 */
import type { AgentChoice } from "./use-agents.ts";

interface Props {
  agents: AgentChoice[];
  agentId: string;
  sessionKey: string;
  recent: { key: string; label?: string }[];
  error: string | null;
  onAgent(agentId: string): void;
  onSession(key: string): void;
  onNew(): void;
}

/** `agent:main:telegram:direct:42` → `telegram:direct:42`: the agent is already in the other picker. */
export function shortKey(key: string): string {
  return key.split(":").slice(2).join(":") || key;
}

export function SessionPicker({ agents, agentId, sessionKey, recent, error, onAgent, onSession, onNew }: Props) {
  const choices = recent.some((s) => s.key === sessionKey) ? recent : [{ key: sessionKey }, ...recent];
  return (
    <div class="chat-picker">
      <div class="field">
        <label for="chat-agent">Agent</label>
        <select id="chat-agent" value={agentId} onChange={(e) => onAgent(e.currentTarget.value)}>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field field-grow">
        <label for="chat-session">Session</label>
        <select id="chat-session" value={sessionKey} onChange={(e) => onSession(e.currentTarget.value)}>
          {choices.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label ? `${s.label} (${shortKey(s.key)})` : shortKey(s.key)}
            </option>
          ))}
        </select>
      </div>
      <div class="chat-picker-actions">
        <button type="button" class="button" onClick={onNew}>
          New chat
        </button>
        <a class="button link" href="#/sessions">
          All sessions
        </a>
      </div>
      {error ? (
        <p class="picker-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
