/**
 * Follows the gateway's file log through `logs.tail` with the cursor it hands back: one call
 * at a time, the next one a second after the previous answer, none while paused, hidden or
 * disconnected. The page keeps the newest MAX_LINES; a reset or skipped stretch is shown as a
 * notice line rather than silently.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { LogsTailResult } from "../../../../protocol/methods/logs.ts";
import { useConnection, useGateway } from "../../gateway/context.ts";
import { describeError } from "../../components/describe-error.ts";
import { noticeEntry, parseLogLine, type LogEntry } from "./log-entry.ts";

export const MAX_LINES = 3000;
const POLL_MS = 1000;

export interface LogTail {
  entries: LogEntry[];
  file: string | null;
  error: string | null;
  /** The first read has answered. */
  ready: boolean;
}

/** The one refusal with a known cause gets its own advice; the rest says what failed. */
function tailErrorText(error: unknown): string {
  if (error instanceof Error && /does not write a file log/.test(error.message)) {
    return "This gateway writes no log file, so there is nothing to follow. File logging turns itself off after a disk error (the gateway's stderr says why): fix that, or set logging.file to a writable path, then restart the gateway.";
  }
  return describeError(error, "read the gateway log");
}

export function useLogTail(paused: boolean): LogTail {
  const gateway = useGateway();
  const { status } = useConnection();
  const [tail, setTail] = useState<LogTail>({ entries: [], file: null, error: null, ready: false });
  const cursor = useRef<number | undefined>(undefined);
  const file = useRef<string | null>(null);
  const nextId = useRef(0);

  useEffect(() => {
    if (paused || status !== "connected") return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      if (stopped) return;
      if (document.hidden) {
        timer = setTimeout(poll, POLL_MS);
        return;
      }
      try {
        const params = cursor.current === undefined ? { limit: 500 } : { cursor: cursor.current, limit: 1000 };
        const result = await gateway.request<LogsTailResult>("logs.tail", params);
        if (stopped) return;
        const added: LogEntry[] = [];
        if (file.current !== null && result.file !== file.current) added.push(noticeEntry(`— the log file changed: ${result.file} —`, nextId.current++));
        else if (result.reset) added.push(noticeEntry("— the log was reset or rotated; reading on from its end —", nextId.current++));
        else if (cursor.current !== undefined && result.truncated) added.push(noticeEntry("— older lines skipped: more were written than one read returns —", nextId.current++));
        for (const line of result.lines) added.push(parseLogLine(line, nextId.current++));
        cursor.current = result.cursor;
        file.current = result.file;
        setTail((t) => ({ entries: added.length === 0 ? t.entries : [...t.entries, ...added].slice(-MAX_LINES), file: result.file, error: null, ready: true }));
      } catch (error) {
        if (stopped) return;
        setTail((t) => ({ ...t, error: tailErrorText(error), ready: true }));
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [paused, status, gateway]);

  return tail;
}
