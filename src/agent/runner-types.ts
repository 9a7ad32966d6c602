/**
 * What the agent runtime offers the rest of the gateway (RPC methods, HTTP endpoints, hooks,
 * channels): start a run, watch its events, abort it. Implemented by `src/agent/runtime.ts`.
 */
import type { Usage } from "./model/types.ts";

/** A failure a run reports in words (no model could answer). Anything else is masked. */
export class RunFailure extends Error {
  override name = "RunFailure";
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message);
  }
}

/** What a run cut short by a stop, restart or crash reports; it is never run again. */
export const RUN_INTERRUPTED = "the gateway restarted while this run was in progress; it was not run again";

export interface AgentRunInput {
  /** The caller's idempotency key: a second start with the same id joins the first run. */
  runId: string;
  agentId: string;
  sessionKey: string;
  /** The user's message: data, never spliced into instructions. */
  message: string;
  /** Added to the system prompt (OpenAI-compatible `system` messages, hooks). */
  extraSystemPrompt?: string;
  /**
   * Earlier turns the caller supplies instead of the session's transcript (OpenAI-compatible
   * clients send the whole conversation each time). When given, the stored transcript is not read.
   */
  history?: { role: "user" | "assistant"; content: string }[];
  /** Default `agents.defaults.timeoutSeconds` (600 s). */
  timeoutMs?: number;
  /** Aborts the run (an HTTP client that went away, Ctrl-C in the CLI). */
  signal?: AbortSignal;
  /** Every event of this run as it happens, for streaming callers (SSE). */
  onEvent?: (event: AgentEvent) => void;
  /** Where the message came from (a channel, a hook), shown to the model as data. */
  source?: { channel?: string; from?: string; label?: string };
  /**
   * How the run's tools call gateway methods: as whoever started the run (its scopes apply).
   * Default: the gateway's own agent caller (operator read + write).
   */
  call?: (method: string, params: unknown) => Promise<unknown>;
}

/** The `data` of an `agent` event, by stream (protocol.md §7). */
export type AgentEvent =
  | { stream: "lifecycle"; data: { phase: "start"; startedAt: number } | { phase: "end"; endedAt: number } | { phase: "error"; error: string; endedAt: number } }
  | { stream: "assistant"; data: { text: string; delta: string } }
  | {
      stream: "tool";
      data:
        | { phase: "start"; name: string; toolCallId: string; args: unknown }
        | { phase: "result"; name: string; toolCallId: string; result: unknown; isError: boolean };
    };

export type AgentRunStatus = "ok" | "error" | "aborted" | "timeout";

export interface AgentRunResult {
  runId: string;
  status: AgentRunStatus;
  /** The final assistant text. */
  text: string;
  /** The reference's `result.payloads`. */
  payloads: { text?: string; isError?: boolean }[];
  meta: {
    durationMs: number;
    /** `provider/model` that answered (after fallbacks). */
    model: string | null;
    usage: Usage;
    stopReason: string | null;
    aborted?: boolean;
    error?: { kind: string; message: string };
  };
}

export interface AgentRun {
  runId: string;
  acceptedAt: number;
  /** Resolves when the run ends, whatever the outcome (never rejects). */
  result: Promise<AgentRunResult>;
}

export interface AgentRunner {
  /**
   * Starts a run, or returns the running one with the same `runId`. Throws RpcError
   * `UNAVAILABLE` naming the config key to set when no model is configured.
   */
  start(input: AgentRunInput): AgentRun;
  /** Aborts a running run; false when none has this id. */
  abort(runId: string): boolean;
}
