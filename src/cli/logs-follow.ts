/**
 * `openclaw logs --follow`: polls `logs.tail` with the cursor the gateway hands back, over one
 * connection, and outlives the gateway: a dropped connection (restart, stop, network) is
 * announced once and redialled with capped exponential backoff, after which polling resumes
 * from the last cursor. A rotated or replaced file is announced and read from its start, so
 * nothing is shown twice and little is missed. Only a refusal (bad credentials, missing scope,
 * not paired) ends the follower; everything else is waited out until the caller aborts.
 */
import type { LogsTailParams, LogsTailResult } from "../../protocol/methods/logs.ts";
import { ClientError } from "../client/gateway-client.ts";

/** The most lines one `logs.tail` call may return (protocol/methods/logs.ts). */
export const MAX_TAIL_LIMIT = 5000;

/** The part of a gateway connection the follower uses. */
export interface TailConnection {
  call(method: string, params: unknown): Promise<unknown>;
  close(): void;
}

export interface FollowOptions {
  /** Connects and completes the handshake; `onClose` is called when that connection drops. */
  connect(onClose: () => void): Promise<TailConnection>;
  /** Lines shown from the end of the log before following. */
  limit: number;
  maxBytes?: number;
  intervalMs: number;
  /** Shows log lines (resolves once written). */
  print(lines: string[]): Promise<void>;
  /** Shows a one-line notice (not a log line). */
  notice(text: string): void;
  /** Aborting ends the follower: `followLogs` then resolves. */
  signal: AbortSignal;
  /** First reconnect delay, doubling per failed attempt. Default 250 ms. */
  initialBackoffMs?: number;
  /** Longest reconnect delay. Default 5000 ms. */
  maxBackoffMs?: number;
}

/** Failures of the connection itself (as opposed to an answer from the gateway). */
const TRANSPORT_CODES: ReadonlySet<string | undefined> = new Set(["UNREACHABLE", "CLOSED", "TIMEOUT"]);

/**
 * Whether a failed connect means "stop trying": the gateway answered and said no (bad token,
 * not paired, protocol mismatch). Unreachable, dropped, timed out or still starting
 * (UNAVAILABLE) is worth another try.
 */
export function isRefusal(error: unknown): boolean {
  if (!(error instanceof ClientError)) return true;
  return error.code !== undefined && !TRANSPORT_CODES.has(error.code) && error.code !== "UNAVAILABLE";
}

export const DISCONNECTED_NOTICE = "-- gateway disconnected, reconnecting… --";
export const RESET_NOTICE = "-- log reset --";
export const SKIPPED_NOTICE = "-- older lines skipped: more were written than one read returns --";
export const fileChangedNotice = (file: string) => `-- log file changed: ${file} --`;

/** Resolves when `signal` aborts; rejects with the refusal that ended it otherwise. */
export async function followLogs(options: FollowOptions): Promise<void> {
  const { signal } = options;
  const initialBackoff = options.initialBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 5000;
  const maxBytes = options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {};

  let wake = () => {};
  /** Waits `ms`, or less when aborted or the connection drops. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        wake = () => {};
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      wake = done;
    });

  let connection: TailConnection | null = null;
  let generation = 0;
  let dropped = false;

  const open = async () => {
    const mine = ++generation;
    dropped = false;
    const next = await options.connect(() => {
      if (mine !== generation) return;
      dropped = true;
      wake();
    });
    if (signal.aborted) next.close();
    else connection = next;
  };

  /** Closes the current connection without treating that as a drop. */
  const hangUp = () => {
    generation++;
    connection?.close();
    connection = null;
  };

  /** Announces the drop once, then redials until connected, aborted or refused. */
  const reconnect = async (): Promise<boolean> => {
    options.notice(DISCONNECTED_NOTICE);
    hangUp(); // the old connection's close must not cut the backoff short
    for (let attempt = 0; ; attempt++) {
      await sleep(Math.min(maxBackoff, initialBackoff * 2 ** Math.min(attempt, 20)));
      if (signal.aborted) return false;
      try {
        await open();
        return !signal.aborted;
      } catch (error) {
        if (signal.aborted) return false;
        if (isRefusal(error)) throw error;
      }
    }
  };

  const tail = async (params: LogsTailParams) => {
    if (!connection) throw new ClientError("not connected", "CLOSED");
    return (await connection.call("logs.tail", params)) as LogsTailResult;
  };

  try {
    // The first connect and read fail like any other command: the caller reports and exits 1.
    await open();
    if (signal.aborted) return;
    const first = await tail({ limit: options.limit, ...maxBytes });
    if (signal.aborted) return;
    await options.print(first.lines);
    let file = first.file;
    let cursor = first.cursor;
    let problem = "";
    let lost = false;

    while (!signal.aborted) {
      if (!lost) await sleep(options.intervalMs);
      if (signal.aborted) return;
      if (lost || dropped || !connection) {
        lost = false;
        if (!(await reconnect())) return;
      }
      try {
        let result = await tail({ cursor, limit: MAX_TAIL_LIMIT, ...maxBytes });
        // More lines arrived since the last read than one read returns: say so rather than skip quietly.
        // A reset with the file still longer than our cursor means we fell behind, not a truncation.
        const fellBehind = (result.reset && cursor <= result.size) || (!result.reset && result.truncated);
        let notice: string | null = fellBehind ? SKIPPED_NOTICE : result.reset ? RESET_NOTICE : null;
        if (result.file !== file) {
          // A new file (daily rotation, another logging.file): our cursor means nothing there,
          // so read it from the start (the gateway resets to its tail if it is already large).
          result = await tail({ cursor: 0, limit: MAX_TAIL_LIMIT, ...maxBytes });
          notice = fileChangedNotice(result.file);
        }
        if (signal.aborted) return;
        if (notice) options.notice(notice);
        problem = "";
        await options.print(result.lines);
        file = result.file;
        cursor = result.cursor;
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof ClientError)) throw error;
        if (TRANSPORT_CODES.has(error.code)) {
          lost = true;
        } else if (error.code === "UNAVAILABLE") {
          // e.g. the restarted gateway has no file log yet: say so once and keep polling.
          if (error.message !== problem) options.notice(`-- ${error.message} --`);
          problem = error.message;
        } else {
          throw error;
        }
      }
    }
  } finally {
    hangUp();
  }
}
