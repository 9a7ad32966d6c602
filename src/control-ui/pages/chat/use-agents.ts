/**
 * The agents to chat with (`agents.list`) and one agent's recent sessions (`sessions.list`,
 * newest first). Both load in the background; until the agents arrive the picker shows the
 * default agent the handshake named.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { RESYNC_EVENT } from "../../gateway/client.ts";
import { useConnection, useEvent, useGateway } from "../../gateway/context.ts";
import { errorText } from "./error-text.ts";
import type { AgentsListResult, SessionsListResult } from "./wire.ts";

export interface AgentChoice {
  id: string;
  label: string;
}

/** Sessions in the chat's picker; the Sessions page has the rest. */
export const RECENT_SESSIONS = 30;

export interface AgentList {
  agents: AgentChoice[];
  defaultId: string;
  mainKey: string;
  error: string | null;
  /** `agents.list` answered (or failed): the default agent is known. */
  ready: boolean;
}

export function useAgentList(): AgentList {
  const gateway = useGateway();
  const { status, hello } = useConnection();
  const defaults = hello?.snapshot.sessionDefaults;
  const [answer, setAnswer] = useState<{ agents: AgentChoice[]; defaultId: string; mainKey: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (status !== "connected") return;
    gateway.request<AgentsListResult>("agents.list", {}).then(
      (result) => {
        setAnswer({
          defaultId: result.defaultId,
          mainKey: result.mainKey,
          agents: result.agents.map((a) => ({ id: a.id, label: [a.identity?.emoji, a.identity?.name ?? a.name ?? a.id].filter(Boolean).join(" ") })),
        });
        setError(null);
        setReady(true);
      },
      (failure: unknown) => {
        setError(errorText(failure, "list the agents"));
        setReady(true);
      },
    );
  }, [gateway, status]);

  const defaultId = answer?.defaultId ?? defaults?.defaultAgentId ?? "main";
  return { agents: answer?.agents ?? [{ id: defaultId, label: defaultId }], defaultId, mainKey: answer?.mainKey ?? defaults?.mainKey ?? "main", error, ready };
}

export interface RecentSessions {
  recent: { key: string; label?: string }[];
  error: string | null;
  reload(): void;
}

export function useRecentSessions(agentId: string): RecentSessions {
  const gateway = useGateway();
  const { status } = useConnection();
  const [recent, setRecent] = useState<{ key: string; label?: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const reload = useCallback(() => {
    if (!agentId) return;
    const mine = ++seq.current;
    gateway.request<SessionsListResult>("sessions.list", { agentId, limit: RECENT_SESSIONS }).then(
      (answer) => {
        if (mine !== seq.current) return;
        setRecent(answer.sessions.map((s) => ({ key: s.key, label: s.label })));
        setError(null);
      },
      (failure: unknown) => mine === seq.current && setError(errorText(failure, "list the sessions")),
    );
  }, [gateway, agentId]);

  useEffect(() => {
    if (status === "connected") reload();
  }, [status, reload]);
  useEvent(RESYNC_EVENT, () => reload());
  return { recent, error, reload };
}
