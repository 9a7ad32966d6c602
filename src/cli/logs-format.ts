/**
 * How `openclaw logs` shows one line of the gateway's JSON-lines file log
 * (`{time, level, subsystem, message}`, see src/log/logger.ts) to a person:
 * `HH:MM:SS LEVEL [subsystem] message` in local time. Lines that are not such an object are
 * shown as they are. Terminal control characters are escaped, so a hostile value that made
 * it into a log message cannot drive the reader's terminal.
 */

// C0 controls except tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function clock(time: unknown): string | null {
  if (typeof time !== "string" && typeof time !== "number") return null;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date.toTimeString().slice(0, 8);
}

/** One file-log line for humans; anything that is not a log object is returned as is (escaped). */
export function formatLogLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return escapeControls(line);
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return escapeControls(line);
  const { time, level, subsystem, message } = entry as Record<string, unknown>;
  if (typeof message !== "string") return escapeControls(line);
  const parts: string[] = [];
  const at = clock(time);
  if (at) parts.push(at);
  if (typeof level === "string" && level !== "") parts.push(level.toUpperCase());
  if (typeof subsystem === "string" && subsystem !== "") parts.push(`[${subsystem}]`);
  parts.push(message);
  return escapeControls(parts.join(" "));
}
