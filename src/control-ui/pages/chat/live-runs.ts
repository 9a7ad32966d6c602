/**
 * Replies in progress, built from the gateway's events: `chat` (the cumulative text, at most one
 * delta per 150 ms, then exactly one final / aborted / error) and `agent` with `stream: "tool"`
 * (a tool call starting and its result; sent only to clients that declared the `tool-events` cap).
 * Pure functions over plain data, so the hook stays small and the rules are easy to read.
 */

export interface ToolCard {
  id: string;
  name: string;
  args: unknown;
  /** Undefined while the tool runs. */
  result?: unknown;
  isError?: boolean;
}

export type RunState = "running" | "final" | "aborted" | "error";

export interface LiveRun {
  runId: string;
  text: string;
  tools: ToolCard[];
  state: RunState;
  errorMessage?: string;
}

export interface ChatEvent {
  runId: string;
  sessionKey: string;
  state: "delta" | "final" | "aborted" | "error";
  message?: { content?: { type?: string; text?: string }[] };
  errorMessage?: string;
}

export interface AgentEvent {
  runId: string;
  sessionKey?: string;
  stream: string;
  data: Record<string, unknown>;
}

const textOf = (event: ChatEvent) =>
  (event.message?.content ?? [])
    .filter((block) => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text)
    .join("");

function upsert(runs: LiveRun[], runId: string, change: (run: LiveRun) => LiveRun): LiveRun[] {
  const at = runs.findIndex((run) => run.runId === runId);
  if (at === -1) return [...runs, change({ runId, text: "", tools: [], state: "running" })];
  return runs.map((run, i) => (i === at ? change(run) : run));
}

/** The runs after one `chat` event. A run the page did not start (a channel, another tab) appears too. */
export function applyChatEvent(runs: LiveRun[], event: ChatEvent): LiveRun[] {
  return upsert(runs, event.runId, (run) => {
    if (run.state !== "running") return run;
    const text = textOf(event);
    switch (event.state) {
      case "delta":
        return { ...run, text };
      case "final":
        return { ...run, text: text || run.text, state: "final" };
      case "aborted":
        // The partial text is in the event; the gateway does not store it.
        return { ...run, text: text || run.text, state: "aborted" };
      case "error":
        return { ...run, state: "error", errorMessage: event.errorMessage ?? "the run failed" };
    }
  });
}

/** The runs after one `agent` event: tool starts add a card, results complete it; other streams change nothing. */
export function applyAgentEvent(runs: LiveRun[], event: AgentEvent): LiveRun[] {
  if (event.stream !== "tool") return runs;
  const { phase, toolCallId, name } = event.data as { phase?: string; toolCallId?: string; name?: string };
  if (typeof toolCallId !== "string") return runs;
  return upsert(runs, event.runId, (run) => {
    const existing = run.tools.find((tool) => tool.id === toolCallId);
    if (phase === "start" && !existing) return { ...run, tools: [...run.tools, { id: toolCallId, name: String(name ?? "tool"), args: event.data.args }] };
    if (phase === "result") {
      const done = { result: event.data.result, isError: event.data.isError === true };
      if (!existing) return { ...run, tools: [...run.tools, { id: toolCallId, name: String(name ?? "tool"), args: undefined, ...done }] };
      return { ...run, tools: run.tools.map((tool) => (tool.id === toolCallId ? { ...tool, ...done } : tool)) };
    }
    return run;
  });
}

/**
 * After the history was re-read: finished runs are in it now and leave the live list; aborted
 * and failed runs stay (their partial text and error are not in the transcript). A run still
 * "running" whose turn is stored has ended while this page missed the event (a reconnect): the
 * gateway stores a run's messages only when it ends, so it leaves too.
 */
export function settleRuns(runs: LiveRun[], storedRunIds: ReadonlySet<string>): LiveRun[] {
  return runs.filter((run) => run.state !== "final" && !(run.state === "running" && storedRunIds.has(run.runId)));
}
