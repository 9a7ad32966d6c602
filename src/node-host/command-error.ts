/**
 * The one error type of the node host's commands. Its code and message travel back to the
 * gateway in `node.invoke.result.error`, which surfaces them to the operator as
 * `UNAVAILABLE <message>` with `details.nodeError`.
 */
export type NodeErrorCode = "UNKNOWN_COMMAND" | "NOT_ALLOWED" | "INVALID_PARAMS" | "UNAVAILABLE";

export class NodeCommandError extends Error {
  constructor(
    readonly code: NodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "NodeCommandError";
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string without NUL (which no argv entry, path or name can hold). */
export function isCleanString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && !value.includes("\0");
}

export function invalidParams(command: string, problem: string): NodeCommandError {
  return new NodeCommandError("INVALID_PARAMS", `${command}: ${problem}`);
}
