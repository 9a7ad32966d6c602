/**
 * One line of the gateway's JSON-lines file log (`{time, level, subsystem, message}`), parsed
 * for display, and the filters the Logs page offers: a lowest level and a text search.
 */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

export interface LogEntry {
  /** Stable key for rendering: the entry's position in what this page has read. */
  id: number;
  time: string;
  level: Level | "notice";
  subsystem: string;
  message: string;
  /** The line as the file has it (what a download writes). */
  raw: string;
}

const rank = (level: string): number => {
  const i = (LEVELS as readonly string[]).indexOf(level);
  return i < 0 ? LEVELS.indexOf("info") : i;
};

export function parseLogLine(raw: string, id: number): LogEntry {
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const level = typeof value.level === "string" && (LEVELS as readonly string[]).includes(value.level) ? (value.level as Level) : "info";
    return {
      id,
      time: typeof value.time === "string" ? value.time : "",
      level,
      subsystem: typeof value.subsystem === "string" ? value.subsystem : "",
      message: typeof value.message === "string" ? value.message : raw,
      raw,
    };
  } catch {
    // Not ours (a hand-edited or foreign file): show it as it is.
    return { id, time: "", level: "info", subsystem: "", message: raw, raw };
  }
}

/** A line the page adds itself (reset, skipped lines); it passes every filter. */
export function noticeEntry(text: string, id: number): LogEntry {
  return { id, time: "", level: "notice", subsystem: "", message: text, raw: "" };
}

export function matches(entry: LogEntry, minLevel: Level, search: string): boolean {
  if (entry.level === "notice") return true;
  if (rank(entry.level) < rank(minLevel)) return false;
  if (search === "") return true;
  const needle = search.toLowerCase();
  return entry.message.toLowerCase().includes(needle) || entry.subsystem.toLowerCase().includes(needle);
}

/** `2026-12-01T11:22:16.123Z` → `11:22:16.123` in local time; the full stamp goes in a title. */
export function shortTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
