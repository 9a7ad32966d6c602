/**
 * One conversation on the page: its history (`chat.history`, which also subscribes this
 * connection to the session's events), the replies streaming in, send and abort. Re-reads the
 * history after every finished reply and after a reconnect or an event gap, so what is shown
 * is what the gateway stored. Nothing here waits in a way the user notices: each call is async
 * and its failure lands in `error` as a sentence that says what to do.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { RESYNC_EVENT } from "../../gateway/client.ts";
import { useConnection, useEvent, useGateway } from "../../gateway/context.ts";
import { errorText } from "./error-text.ts";
import { applyAgentEvent, applyChatEvent, settleRuns, type AgentEvent, type ChatEvent, type LiveRun } from "./live-runs.ts";
import type { HistoryMessage } from "./transcript.ts";
import type { ChatAbortResult, ChatHistoryResult, ChatSendResult } from "./wire.ts";

/** Messages `chat.history` returns at most for the page (the gateway also caps the bytes). */
export const HISTORY_LIMIT = 200;

export interface Pending {
  /** Tells two identical messages apart until the gateway names their runs. */
  id: string;
  text: string;
  /** Known once `chat.send` answered. */
  runId: string | null;
}

export interface ChatState {
  messages: HistoryMessage[];
  /** True until the first history of this session arrived. */
  loading: boolean;
  runs: LiveRun[];
  /** Messages sent, until the history has them (the gateway stores one when its reply ends). */
  pending: Pending[];
  sending: boolean;
  error: string | null;
  send(text: string): Promise<boolean>;
  abort(): void;
  reload(): void;
  dismissError(): void;
}

export function useChat(sessionKey: string): ChatState {
  const gateway = useGateway();
  const { status } = useConnection();
  const [messages, setMessages] = useState<HistoryMessage[]>([]);
  const [loading, setLoading] = useState(true);
  const [runs, setRuns] = useState<LiveRun[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Events and answers for another session (switched away meanwhile) are dropped.
  const keyRef = useRef(sessionKey);
  const loadSeq = useRef(0);

  const reload = useCallback(() => {
    // No session yet: the page is still learning the default agent.
    if (!sessionKey) return;
    const mine = ++loadSeq.current;
    const key = sessionKey;
    gateway.request<ChatHistoryResult>("chat.history", { sessionKey: key, limit: HISTORY_LIMIT }).then(
      (answer) => {
        if (mine !== loadSeq.current || keyRef.current !== key) return;
        const stored = answer.messages as HistoryMessage[];
        const storedRuns = new Set(stored.map((m) => m.runId).filter((id): id is string => Boolean(id)));
        setMessages(stored);
        setRuns((current) => settleRuns(current, storedRuns));
        setPending((list) => list.filter((p) => !(p.runId && storedRuns.has(p.runId))));
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== loadSeq.current || keyRef.current !== key) return;
        setLoading(false);
        setError(errorText(failure, "load the conversation"));
      },
    );
  }, [gateway, sessionKey]);

  useEffect(() => {
    keyRef.current = sessionKey;
    setMessages([]);
    setRuns([]);
    setPending([]);
    setError(null);
    setLoading(true);
  }, [sessionKey]);

  useEffect(() => {
    if (status === "connected") reload();
  }, [status, reload]);

  // After a reconnect the server forgot this connection's subscription; re-reading renews it.
  useEvent(RESYNC_EVENT, () => reload());

  useEvent("chat", (event: ChatEvent) => {
    if (event?.sessionKey !== keyRef.current) return;
    setRuns((current) => applyChatEvent(current, event));
    if (event.state !== "delta") reload();
  });

  useEvent("agent", (event: AgentEvent) => {
    if (event?.sessionKey !== keyRef.current) return;
    setRuns((current) => applyAgentEvent(current, event));
  });

  const send = useCallback(
    async (text: string): Promise<boolean> => {
      const message = text.trim();
      if (!message) return false;
      setSending(true);
      setError(null);
      const id = crypto.randomUUID();
      setPending((list) => [...list, { id, text: message, runId: null }]);
      try {
        // The idempotency key doubles as the run id: a retried send joins the same run.
        const answer = await gateway.request<ChatSendResult>("chat.send", { sessionKey, message, idempotencyKey: id });
        // The reply's events may have come before this answer; make sure the run shows either way.
        if (keyRef.current === sessionKey) {
          setPending((list) => list.map((p) => (p.id === id ? { ...p, runId: answer.runId } : p)));
          setRuns((current) => (current.some((run) => run.runId === answer.runId) ? current : [...current, { runId: answer.runId, text: "", tools: [], state: "running" }]));
        }
        return true;
      } catch (failure) {
        if (keyRef.current === sessionKey) {
          setPending((list) => list.filter((p) => p.id !== id));
          setError(errorText(failure, "send the message"));
        }
        return false;
      } finally {
        setSending(false);
      }
    },
    [gateway, sessionKey],
  );

  const abort = useCallback(() => {
    const running = runs.filter((run) => run.state === "running").map((run) => run.runId);
    // Without a known run id the gateway stops whatever runs in the session.
    const params = running.length === 1 ? { sessionKey, runId: running[0]! } : { sessionKey };
    gateway.request<ChatAbortResult>("chat.abort", params).then(
      (answer) => {
        if (!answer.aborted && keyRef.current === sessionKey) reload();
      },
      (failure: unknown) => setError(errorText(failure, "stop the reply")),
    );
  }, [gateway, sessionKey, runs, reload]);

  return { messages, loading, runs, pending, sending, error, send, abort, reload, dismissError: () => setError(null) };
}
