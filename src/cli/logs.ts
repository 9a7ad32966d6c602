/**
 * `openclaw logs [--follow] [--json] [--limit N] [--interval ms]`: the gateway's file log, read
 * through `logs.tail` (protocol.md §6 Logs) and never from disk, so it works the same for a
 * remote gateway. Human output is `HH:MM:SS LEVEL [subsystem] message`; `--json` passes the
 * raw JSON lines through unchanged. Notices (rotation, reconnects) go to stderr so stdout stays
 * pure log lines.
 */
import { defineCommand } from "citty";
import type { LogsTailResult } from "../../protocol/methods/logs.ts";
import { ClientError, GatewayClient } from "../client/gateway-client.ts";
import { CliError } from "./cli-error.ts";
import { CLI_SCOPES, cliErrorOf, connectionArgs, resolveClientOptions, withGateway } from "./gateway-target.ts";
import { formatLogLine } from "./logs-format.ts";
import { MAX_TAIL_LIMIT, followLogs } from "./logs-follow.ts";

const DEFAULT_LIMIT = 200;
const DEFAULT_INTERVAL_MS = 1000;
const MIN_INTERVAL_MS = 50;
const MAX_BYTES = 1_000_000;

function wholeNumber(flag: string, text: string | undefined, fallback: number | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`invalid --${flag} ${text}: use a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The reader went away (`openclaw logs -f | head`): stop quietly, as `tail -f` does. */
function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

/** Writes and waits until the text is handed off, so nothing is lost when the process exits. */
function writeOut(text: string): Promise<void> {
  if (text === "") return Promise.resolve();
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

export default defineCommand({
  meta: { name: "logs", description: "Show (and follow) the gateway's file log" },
  args: {
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines; survives gateway restarts (stop with Ctrl-C)", default: false },
    limit: { type: "string", description: `How many of the last lines to show first (1-${MAX_TAIL_LIMIT}, default ${DEFAULT_LIMIT})` },
    interval: { type: "string", description: `With --follow: poll every this many ms (default ${DEFAULT_INTERVAL_MS})` },
    "max-bytes": { type: "string", description: "Read at most this many bytes of the log per call (default: the gateway's, 250000)" },
    ...connectionArgs,
    json: { type: "boolean", description: "Print the raw JSON log lines", default: false },
  },
  async run({ args }) {
    const limit = wholeNumber("limit", args.limit, DEFAULT_LIMIT, 1, MAX_TAIL_LIMIT)!;
    const intervalMs = wholeNumber("interval", args.interval, DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS, 3_600_000)!;
    const maxBytes = wholeNumber("max-bytes", args["max-bytes"], undefined, 1, MAX_BYTES);
    const render = args.json ? (line: string) => line : formatLogLine;
    const print = (lines: string[]) => writeOut(lines.map((line) => render(line) + "\n").join(""));

    if (!args.follow) {
      const result = (await withGateway(args, CLI_SCOPES, (client) =>
        client.call("logs.tail", { limit, ...(maxBytes !== undefined ? { maxBytes } : {}) }),
      )) as LogsTailResult;
      await print(result.lines).catch((error) => {
        if (!isBrokenPipe(error)) throw error;
      });
      return;
    }

    const options = await resolveClientOptions(args, CLI_SCOPES);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const stopped = new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
    try {
      // A pending call or connect does not hold up Ctrl-C: the follower is left to wind down.
      await Promise.race([
        followLogs({
          connect: async (onClose) => {
            const client = new GatewayClient({ ...options, onClose: () => onClose() });
            try {
              await client.connect();
            } catch (error) {
              client.close();
              throw error;
            }
            return client;
          },
          limit,
          maxBytes,
          intervalMs,
          print,
          notice: (text) => process.stderr.write(text + "\n"),
          signal: stop.signal,
        }),
        stopped,
      ]);
    } catch (error) {
      if (error instanceof ClientError) throw cliErrorOf(error, options.url);
      if (isBrokenPipe(error)) return;
      throw error;
    } finally {
      stop.abort();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
