/**
 * The agent runtime: a gateway part that starts runs, keeps one run at a time per session
 * (and `maxConcurrent` across sessions), streams each run's events to its subscribers
 * (`agent` events per run, `chat` events per session) and writes the turn to the session's
 * transcript when it ends. Provider clients and the turn loop load on the first run.
 */
import type { Options } from "../config/load.ts";
import type { EventPublisher } from "../core/event-publisher.ts";
import type { Part, PartStatus } from "../core/part.ts";
import type { Logger } from "../log/logger.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import { RpcError } from "../gateway/rpc/rpc-error.ts";
import { agentById, resolveAgents, type AgentSettings } from "./agents.ts";
import { createAgentMetrics, type AgentMetrics } from "./agent-metrics.ts";
import { emitterFor } from "./run-events.ts";
import { FinishedRuns, type RunSnapshot } from "./run-snapshots.ts";
import { NO_MODEL_MESSAGE, resolveModels } from "./model/resolve-models.ts";
import { ProviderError, type ModelMessage, type Usage } from "./model/types.ts";
import { RUN_INTERRUPTED, RunFailure, type AgentRun, type AgentRunInput, type AgentRunner, type AgentRunResult, type AgentRunStatus } from "./runner-types.ts";
import { trimHistory } from "./sessions/history.ts";
import { SessionLanes } from "./sessions/session-lanes.ts";
import type { SessionStore } from "./sessions/types.ts";
import { buildSystemPrompt, userTurn } from "./system-prompt.ts";
import type { Tool } from "./tools/types.ts";

// Run events and finished-run snapshots live in run-events.ts / run-snapshots.ts; re-exported for importers.
export type { RunSnapshot } from "./run-snapshots.ts";

export interface AgentRuntimeOptions {
  options: () => Readonly<Options>;
  events: EventPublisher;
  sessions: SessionStore;
  registry: MetricsRegistry;
  /** How tools call gateway methods when the run's starter gave no caller of its own. */
  callAsAgent: (method: string, params: unknown) => Promise<unknown>;
  /** The tools the model may call (the agent context of the tool registry). */
  tools: (options: Readonly<Options>) => Promise<readonly Tool[]>;
  now: () => number;
  /** Test seam for provider HTTP (fake servers speak the real wire formats). */
  fetch?: typeof fetch;
}

interface ActiveRun extends AgentRun {
  input: AgentRunInput;
  controller: AbortController;
  startedAt: number | null;
}

export class AgentRuntime implements AgentRunner {
  private readonly active = new Map<string, ActiveRun>();
  private readonly finished = new FinishedRuns();
  private lanes: SessionLanes;
  private readonly metrics: AgentMetrics;
  private log: Logger | null = null;
  private stopping = false;

  constructor(private readonly deps: AgentRuntimeOptions) {
    this.lanes = new SessionLanes({ maxConcurrent: this.settings().maxConcurrent });
    this.metrics = createAgentMetrics(deps.registry);
  }

  start(input: AgentRunInput): AgentRun {
    const existing = this.active.get(input.runId);
    if (existing) return existing;
    if (this.stopping) throw new RpcError("UNAVAILABLE", "the gateway is stopping");
    const models = resolveModels(this.deps.options().config, this.deps.options().env).modelsFor(input.agentId);
    if (models.length === 0) throw new RpcError("UNAVAILABLE", NO_MODEL_MESSAGE);
    const controller = new AbortController();
    input.signal?.addEventListener("abort", () => controller.abort(new Error("aborted by the caller")), { once: true });
    const run: ActiveRun = { runId: input.runId, acceptedAt: this.deps.now(), input, controller, startedAt: null, result: null! };
    run.result = this.lanes.run(input.sessionKey, () => this.execute(run, models)).catch((error: unknown) => this.failed(run, error));
    this.active.set(input.runId, run);
    return run;
  }

  abort(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.controller.abort(new Error("aborted"));
    return true;
  }

  /** The ids of the runs of one session that are running or queued. */
  runsOf(sessionKey: string): string[] {
    return [...this.active.values()].filter((r) => r.input.sessionKey === sessionKey).map((r) => r.runId);
  }

  snapshot(runId: string): RunSnapshot | null {
    const run = this.active.get(runId);
    if (run) return { runId, status: "running", ...(run.startedAt ? { startedAt: run.startedAt } : {}) };
    return this.finished.get(runId, this.deps.now());
  }

  /** Waits for a run's end, at most `timeoutMs`; null when it did not end in time. */
  async wait(runId: string, timeoutMs: number): Promise<RunSnapshot | null> {
    const run = this.active.get(runId);
    if (!run) return this.snapshot(runId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const ended = await Promise.race([run.result.then(() => this.snapshot(runId)), timeout]);
    clearTimeout(timer);
    return ended;
  }

  /**
   * Refuses new runs and aborts the ones in flight, which end as errors saying so. The gateway
   * calls this before it drains requests, so an `agent` request waiting on a long run answers
   * at once instead of holding the stop.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const run of this.active.values()) run.controller.abort(new Error(RUN_INTERRUPTED));
    await Promise.allSettled([...this.active.values()].map((r) => r.result));
  }

  settings(): AgentSettings {
    const options = this.deps.options();
    return resolveAgents(options.config, options.workspace, options.paths.home);
  }

  /** The runtime as a gateway part: stopping aborts the runs in flight (they end as errors that say so). */
  part(): Part {
    return {
      name: "agent",
      start: ({ log }) => {
        this.log = log;
        this.stopping = false;
        for (const warning of resolveModels(this.deps.options().config, this.deps.options().env).warnings) log.warn(warning);
      },
      stop: () => this.shutdown(),
      optionsChanged: () => {
        this.lanes.maxConcurrent = this.settings().maxConcurrent;
      },
      status: (): PartStatus => {
        const options = this.deps.options();
        const info = { runs: this.active.size, running: this.lanes.running, queued: this.lanes.queued };
        if (resolveModels(options.config, options.env).modelsFor(this.settings().defaultAgentId).length === 0) {
          return { state: "degraded", detail: NO_MODEL_MESSAGE, info };
        }
        return { state: "running", info };
      },
    };
  }

  // --- one run ---------------------------------------------------------------------------

  private async execute(run: ActiveRun, models: ReturnType<ReturnType<typeof resolveModels>["modelsFor"]>): Promise<AgentRunResult> {
    const { input } = run;
    const startedAt = (run.startedAt = this.deps.now());
    const emitter = emitterFor({ events: this.deps.events, now: this.deps.now, log: () => this.log }, run.runId, input);
    emitter.emit({ stream: "lifecycle", data: { phase: "start", startedAt } });
    const settings = this.settings();
    const agent = agentById(settings, input.agentId) ?? agentById(settings, undefined)!;
    const timeoutMs = input.timeoutMs ?? settings.timeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      run.controller.abort(new Error(`the run did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const user: ModelMessage = { role: "user", content: userTurn(input.message, input.source) };
    const stored = this.deps.sessions.ensure(input.sessionKey, agent.id);
    const history: ModelMessage[] = input.history ?? this.deps.sessions.transcript(stored.key).map((e) => e.message);
    let added: ModelMessage[] = [];
    let outcome: { status: AgentRunStatus; text: string; usage: Usage; stopReason: string | null; model: string | null; error?: { kind: string; message: string } };
    try {
      const system = await buildSystemPrompt(agent, input.extraSystemPrompt);
      const budget = Math.max(1024, models[0]!.contextWindow - models[0]!.maxTokens - Math.ceil(system.length / 4));
      const [{ runTurns }, tools] = await Promise.all([import("./run-turns.ts"), this.deps.tools(this.deps.options())]);
      const result = await runTurns({
        models,
        system,
        messages: [...trimHistory(history, budget), user],
        tools,
        maxTurns: settings.maxTurns,
        signal: run.controller.signal,
        emit: (event) => emitter.emit(event),
        toolContext: {
          agentId: agent.id,
          sessionKey: input.sessionKey,
          runId: run.runId,
          canvasRoot: this.deps.options().canvas.root,
          call: input.call ?? this.deps.callAsAgent,
          signal: run.controller.signal,
        },
        onModelCall: (model, result, firstTokenMs) => this.metrics.modelCall(model, result, firstTokenMs),
        onToolCall: (tool, result) => this.metrics.toolCall(tool, result),
        fetch: this.deps.fetch,
      });
      added = result.added;
      this.metrics.tokens(result.model, result.usage);
      outcome =
        result.stopReason === "max_turns"
          ? { ...result, status: "error", error: { kind: "max_turns", message: `the run stopped after ${settings.maxTurns} model turns` } }
          : { ...result, status: "ok" };
    } catch (error) {
      const aborted = run.controller.signal.aborted;
      const status: AgentRunStatus = timedOut ? "timeout" : aborted ? "aborted" : "error";
      // Provider and run failures are the user's to read; anything else (a bug) is logged and masked.
      const told = error instanceof ProviderError || error instanceof RunFailure;
      if (!aborted && !told) this.log?.error(`agent run ${run.runId} failed:`, error);
      const reason = aborted ? ((run.controller.signal.reason as Error | undefined)?.message ?? "aborted") : told ? (error as Error).message : "internal error";
      outcome = { status, text: "", usage: { inputTokens: 0, outputTokens: 0 }, stopReason: null, model: null, error: { kind: status === "error" ? ((error as { kind?: string }).kind ?? "error") : status, message: reason } };
    } finally {
      clearTimeout(timer);
    }
    // A session reset or deleted during the run is a new conversation (or none): the old turn stays out of it.
    if (this.deps.sessions.get(stored.key)?.sessionId === stored.sessionId) {
      this.deps.sessions.append(stored.key, [user, ...added].map((message) => ({ ts: this.deps.now(), message, runId: run.runId })));
      this.deps.sessions.addUsage(stored.key, outcome.usage);
    }
    const endedAt = this.deps.now();
    if (outcome.status === "ok") emitter.emit({ stream: "lifecycle", data: { phase: "end", endedAt } });
    else emitter.emit({ stream: "lifecycle", data: { phase: "error", error: outcome.error!.message, endedAt } });
    emitter.finish(outcome.status, outcome.text, outcome.error?.message, outcome.usage, outcome.stopReason);
    return this.settle(run, {
      runId: run.runId,
      status: outcome.status,
      text: outcome.text,
      payloads: outcome.status === "ok" ? [{ text: outcome.text }] : [{ text: outcome.error!.message, isError: true }],
      meta: {
        durationMs: endedAt - startedAt,
        model: outcome.model,
        usage: outcome.usage,
        stopReason: outcome.stopReason,
        ...(outcome.status === "aborted" ? { aborted: true } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      },
    });
  }

  /** A run that failed before or outside its loop (a store error): reported, never thrown. */
  private failed(run: ActiveRun, error: unknown): AgentRunResult {
    this.log?.error(`agent run ${run.runId} failed:`, error);
    const message = "internal error";
    return this.settle(run, {
      runId: run.runId, status: "error", text: "", payloads: [{ text: message, isError: true }],
      meta: { durationMs: 0, model: null, usage: { inputTokens: 0, outputTokens: 0 }, stopReason: null, error: { kind: "internal", message } },
    });
  }

  private settle(run: ActiveRun, result: AgentRunResult): AgentRunResult {
    this.active.delete(run.runId);
    const now = this.deps.now();
    const startedAt = run.startedAt ? { startedAt: run.startedAt } : {};
    this.finished.record({ runId: run.runId, status: result.status, ...startedAt, endedAt: now, ...(result.meta.error ? { error: result.meta.error.message } : {}) }, now);
    this.metrics.run(result.status);
    this.deps.events.dropTopic(`run:${run.runId}`);
    return result;
  }
}
