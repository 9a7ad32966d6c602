/**
 * Agent tools: what the model may call. Each tool is safe by default and reaches gateway state
 * only through gateway methods (`ctx.call`), so scopes and validation apply to tools exactly
 * as they do to clients.
 */
import type { JsonSchema } from "../../../protocol/schema-builder.ts";

export interface ToolContext {
  agentId: string;
  sessionKey: string;
  /** The run's id, for idempotency keys of side effects (`${runId}:${toolCallId}`). */
  runId: string;
  toolCallId: string;
  /** The directory file tools may read and write (the canvas root); nothing outside it. */
  canvasRoot: string;
  /** Calls a gateway method as the run's caller (same role, scope and params checks as a client). */
  call(method: string, params: unknown): Promise<unknown>;
  signal: AbortSignal;
}

export interface ToolResult {
  /** Text the model sees as the tool's answer. */
  content: string;
  isError?: boolean;
  /** Structured result for `/tools/invoke` and `tool` events (defaults to `content`). */
  details?: unknown;
}

export interface Tool {
  /** As the reference names it where it has one (`sessions_list`, `message`, `nodes`, …). */
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
  /** Runs the tool; a thrown ToolError becomes an error result, anything else a masked failure. */
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}

/** A refusal the model (or HTTP caller) should see in words: bad arguments, a path outside the root. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** What the model is told about a tool (its function declaration). */
export type ToolSpec = Pick<Tool, "name" | "description" | "parameters">;
