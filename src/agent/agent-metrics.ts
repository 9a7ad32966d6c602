/** The agent's metrics on the gateway registry: runs, model calls, tokens, time to first token, tool calls. */
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { ResolvedModel, Usage } from "./model/types.ts";
import type { AgentRunStatus } from "./runner-types.ts";

/** 50 ms to 2 min: local models answer in tens of ms, remote ones in seconds. */
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

export interface AgentMetrics {
  run(status: AgentRunStatus): void;
  modelCall(model: ResolvedModel, outcome: "ok" | "error" | "fallback", firstTokenMs: number | null): void;
  tokens(modelRef: string | null, usage: Usage): void;
  toolCall(tool: string, outcome: "ok" | "error"): void;
}

export function createAgentMetrics(registry: MetricsRegistry): AgentMetrics {
  const runs = registry.counter({ name: "openclaw_agent_runs_total", help: "Agent runs ended, by status", labelNames: ["status"] });
  const calls = registry.counter({ name: "openclaw_model_calls_total", help: "Model calls, by provider, model and outcome (fallback: failed, the next model was tried)", labelNames: ["provider", "model", "outcome"] });
  const tokens = registry.counter({ name: "openclaw_model_tokens_total", help: "Tokens reported by providers, by model and direction", labelNames: ["model", "direction"] });
  const firstToken = registry.histogram({ name: "openclaw_model_first_token_seconds", help: "Time from a model request to its first streamed text, by provider", labelNames: ["provider"], buckets: FIRST_TOKEN_BUCKETS });
  const tools = registry.counter({ name: "openclaw_tool_calls_total", help: "Tool calls made by agent runs, by tool and outcome", labelNames: ["tool", "outcome"] });
  return {
    run: (status) => runs.labels(status).inc(),
    modelCall(model, outcome, firstTokenMs) {
      calls.labels(model.provider, model.modelId, outcome).inc();
      if (firstTokenMs !== null) firstToken.labels(model.provider).observe(firstTokenMs / 1000);
    },
    tokens(modelRef, usage) {
      const model = modelRef ?? "unknown";
      if (usage.inputTokens) tokens.labels(model, "in").inc(usage.inputTokens);
      if (usage.outputTokens) tokens.labels(model, "out").inc(usage.outputTokens);
    },
    toolCall: (tool, outcome) => tools.labels(tool, outcome).inc(),
  };
}
