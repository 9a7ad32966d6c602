/**
 * The conversation: stored messages (text and tool cards), then what is not stored yet — the
 * message just sent and the reply streaming in. A stopped or failed reply is shown after the
 * message it answered, marked as such (the gateway keeps neither partial text nor the error).
 * Follows the bottom while the reader is there; leaves them alone when they scrolled up.
 */
import { Fragment, type ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { LiveRun } from "./live-runs.ts";
import { ToolCard } from "./tool-card.tsx";
import { transcriptItems, type HistoryMessage, type TranscriptItem } from "./transcript.ts";
import { HISTORY_LIMIT, type Pending } from "./use-chat.ts";

interface Props {
  messages: HistoryMessage[];
  runs: LiveRun[];
  pending: Pending[];
  loading: boolean;
  agentName: string;
}

function Bubble({ role, children, state }: { role: "user" | "assistant"; children: ComponentChildren; state?: string }) {
  return (
    <div class={`msg msg-${role}${state ? ` msg-${state}` : ""}`} data-role={role} data-state={state}>
      {children}
    </div>
  );
}

function RunView({ run, agentName }: { run: LiveRun; agentName: string }) {
  const stopped = run.state === "aborted";
  return (
    <div class="run" data-run={run.runId} data-run-state={run.state}>
      {run.tools.map((card) => (
        <ToolCard key={card.id} card={card} stopped={stopped || run.state === "error"} />
      ))}
      {run.text ? (
        <Bubble role="assistant" state={run.state === "running" ? "streaming" : run.state}>
          <span class="msg-text">{run.text}</span>
        </Bubble>
      ) : run.state === "running" ? (
        <p class="run-waiting" role="status">
          {agentName} is working…
        </p>
      ) : null}
      {stopped ? <p class="run-note">Stopped. This partial reply was not saved.</p> : null}
      {run.state === "error" ? (
        <p class="run-note run-error" role="alert">
          The reply failed: {run.errorMessage}. Check the model settings (Config page, <code>agents.defaults.model</code> and the provider's key), then send again.
        </p>
      ) : null}
    </div>
  );
}

function ItemView({ item }: { item: TranscriptItem }) {
  if (item.kind === "tool") return <ToolCard card={item.card} />;
  return (
    <Bubble role={item.role}>
      <span class="msg-text">{item.text}</span>
    </Bubble>
  );
}

export function TranscriptView({ messages, runs, pending, loading, agentName }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const items = transcriptItems(messages);
  const stored = new Set(items.map((item) => item.runId).filter(Boolean));
  // Ended runs go after the last stored item of the same run; the rest at the end.
  const lastIndexOf = new Map<string, number>();
  items.forEach((item, i) => item.runId && lastIndexOf.set(item.runId, i));
  const after = new Map<number, LiveRun[]>();
  const trailing: LiveRun[] = [];
  for (const run of runs) {
    const at = run.state !== "running" && stored.has(run.runId) ? lastIndexOf.get(run.runId) : undefined;
    if (at === undefined) trailing.push(run);
    else after.set(at, [...(after.get(at) ?? []), run]);
  }

  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  });

  const empty = !loading && items.length === 0 && runs.length === 0 && pending.length === 0;
  return (
    <div
      class="transcript"
      ref={box}
      role="log"
      aria-label="Conversation"
      aria-busy={loading}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {loading && items.length === 0 ? <p class="transcript-hint">Loading the conversation…</p> : null}
      {empty ? <p class="transcript-hint">No messages yet. Write one below to start.</p> : null}
      {messages.length >= HISTORY_LIMIT ? <p class="transcript-note">Showing the latest {HISTORY_LIMIT} messages; older ones are kept by the gateway.</p> : null}
      {items.map((item, i) => (
        <Fragment key={item.key}>
          <ItemView item={item} />
          {(after.get(i) ?? []).map((run) => (
            <RunView key={run.runId} run={run} agentName={agentName} />
          ))}
        </Fragment>
      ))}
      {/* Each message not stored yet, followed by its reply in progress. */}
      {pending.map((p) => (
        <Fragment key={p.id}>
          <Bubble role="user" state="pending">
            <span class="msg-text">{p.text}</span>
          </Bubble>
          {trailing
            .filter((run) => run.runId === p.runId)
            .map((run) => (
              <RunView key={run.runId} run={run} agentName={agentName} />
            ))}
        </Fragment>
      ))}
      {trailing
        .filter((run) => !pending.some((p) => p.runId === run.runId))
        .map((run) => (
          <RunView key={run.runId} run={run} agentName={agentName} />
        ))}
    </div>
  );
}
