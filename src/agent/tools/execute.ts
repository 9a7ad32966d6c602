/**
 * Running one tool: check its arguments, run it, and sort what happened into the three
 * outcomes every surface distinguishes: a result, a refusal the caller should read (bad
 * arguments, a ToolError, an error result), and an unexpected failure that must be masked.
 */
import { checkArgs } from "./check-args.ts";
import { ToolError, type Tool, type ToolContext, type ToolResult } from "./types.ts";

export type ToolOutcome =
  | { status: "ok"; result: ToolResult }
  | { status: "refused"; message: string; details?: unknown }
  | { status: "failed"; error: unknown };

/** What a masked failure shows (the reference's words). */
export const TOOL_FAILED_MESSAGE = "tool execution failed";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why `args` do not fit `tool`, or null when they do. */
function argumentProblem(tool: Tool, args: unknown): string | null {
  if (!isRecord(args)) return "invalid arguments: must be an object";
  const problem = checkArgs(tool.parameters, args);
  return problem ? `invalid arguments: ${problem}` : null;
}

/**
 * The tool with its arguments checked before it runs (a ToolError when they do not fit), for
 * callers that call `run` themselves: a model's arguments are never trusted to match.
 */
export function guardTool(tool: Tool): Tool {
  const { name, description, parameters } = tool;
  return {
    name,
    description,
    parameters,
    run(args, ctx) {
      const problem = argumentProblem(tool, args ?? {});
      if (problem) return Promise.reject(new ToolError(problem));
      return tool.run(args ?? {}, ctx);
    },
  };
}

export async function executeTool(tool: Tool, args: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  const input = args ?? {};
  const problem = argumentProblem(tool, input);
  if (problem) return { status: "refused", message: problem };
  try {
    const result = await tool.run(input as Record<string, unknown>, ctx);
    if (result.isError) return { status: "refused", message: result.content, details: result.details };
    return { status: "ok", result };
  } catch (error) {
    if (error instanceof ToolError) return { status: "refused", message: error.message };
    return { status: "failed", error };
  }
}

/** The outcome as the model sees it: refusals in words, failures masked. */
export function resultForModel(outcome: ToolOutcome): ToolResult {
  switch (outcome.status) {
    case "ok":
      return outcome.result;
    case "refused":
      return { content: outcome.message, isError: true, details: outcome.details ?? { error: outcome.message } };
    case "failed":
      return { content: TOOL_FAILED_MESSAGE, isError: true, details: { error: TOOL_FAILED_MESSAGE } };
  }
}
