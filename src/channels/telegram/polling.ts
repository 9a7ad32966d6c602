/**
 * Our own long-polling loop (not `bot.start()`, which keeps its offset in memory only).
 *
 * - One `getUpdates` at a time, by construction: each is awaited, including after an abort,
 *   before the next starts, so this loop can never conflict with itself (user-needs C1).
 * - The offset moves past an update only after `ctx.receive` resolved, i.e. the message is in
 *   the durable inbox: a crash replays what was not stored and nothing that was (C3). Pending
 *   updates are never dropped on start.
 * - A poll that does not answer within `stallThresholdMs` is aborted and started again (C2);
 *   the timer runs on the monotonic clock, so a machine that slept just gets a fresh poll.
 * - Network failures and 5xx reject `run` (the manager owns backoff and counts reconnects);
 *   401 is a `ChannelFatalError`; a persistent 409 from another poller ends the run with a
 *   `PollerConflictError`, which the manager retries with backoff.
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { ChannelFatalError, type ChannelContext, type InboundMessage } from "../types.ts";
import { grammySignal } from "./client.ts";
import { asBotApiError, isPollerConflict, isWebhookActiveConflict, toRunError } from "./errors.ts";

/** The update types we ask for; everything else is never sent to us. */
export const ALLOWED_UPDATES = ["message"] as const;

export const OTHER_POLLER = "another process is polling this bot token; stop it or use a new token";

/**
 * Another poller kept taking over. Not fatal (user-needs C1: never give up for good): `run`
 * ends with it, the manager backs off (up to minutes) and tries again, and status says why.
 */
export class PollerConflictError extends Error {
  override name = "PollerConflictError";
}

class PollStalled extends Error {
  override name = "PollStalled";
}

export interface PollingOptions {
  bot: Bot;
  ctx: ChannelContext;
  /** Only to scrub it from error text. */
  token: string;
  normalize: (update: Update) => InboundMessage | null;
  /** The long-poll `timeout` (seconds). */
  timeoutSeconds: number;
  /** A `getUpdates` unanswered this long (ms) is aborted and restarted. */
  stallThresholdMs: number;
  /** Consecutive "terminated by other getUpdates request" answers before giving up. */
  conflictLimit: number;
  /** Wait after such a 409 before polling again (ms): no tight loop against the other poller. */
  conflictRetryMs: number;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

function parseOffset(value: string | null): number | undefined {
  if (value === null) return undefined;
  const offset = Number(value);
  return Number.isSafeInteger(offset) && offset > 0 ? offset : undefined;
}

/** One `getUpdates`, aborted by the stop signal or by the stall watchdog. */
async function pollOnce(options: PollingOptions, offset: number | undefined, timeout: number): Promise<Update[]> {
  const { ctx } = options;
  const controller = new AbortController();
  const stop = () => controller.abort();
  ctx.signal.addEventListener("abort", stop, { once: true });
  let stalled = false;
  const watchdog = setTimeout(() => {
    stalled = true;
    controller.abort();
  }, options.stallThresholdMs);
  try {
    return await options.bot.api.getUpdates({ offset, timeout, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(controller.signal));
  } catch (error) {
    if (stalled) throw new PollStalled(`getUpdates did not answer within ${options.stallThresholdMs} ms`);
    throw error;
  } finally {
    clearTimeout(watchdog);
    ctx.signal.removeEventListener("abort", stop);
  }
}

export async function runPolling(options: PollingOptions): Promise<void> {
  const { bot, ctx, token } = options;
  const signal = ctx.signal;
  // Never both modes: a webhook left set makes every getUpdates fail with 409.
  try {
    await bot.api.deleteWebhook({}, grammySignal(signal));
  } catch (error) {
    if (signal.aborted) return;
    throw toRunError(error, ctx, token);
  }
  let offset = parseOffset(ctx.cursor.get());
  let connected = false;
  let conflicts = 0;
  let webhookConflicts = 0;
  let first = true;

  while (!signal.aborted) {
    let updates: Update[];
    const timeout = first ? 0 : options.timeoutSeconds;
    const startedAt = performance.now();
    try {
      // The first poll does not wait: it proves the connection (status says "connected"
      // only once Telegram answered a poll) and drains what queued up while we were down.
      updates = await pollOnce(options, offset, timeout);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof PollStalled) {
        connected = false;
        ctx.log.warn(`telegram poll stalled (${error.message}); restarting it`);
        ctx.report({ connected: false, lastError: "poll stalled; restarted" });
        continue;
      }
      const api = asBotApiError(error);
      if (api?.error_code === 401) throw toRunError(error, ctx, token);
      if (api && isWebhookActiveConflict(api)) {
        // Someone set a webhook after our deleteWebhook; a few rounds, then it is not a race.
        if (++webhookConflicts > 3) throw new ChannelFatalError("a webhook keeps being set for this bot token by another process; remove it or use a new token");
        ctx.log.warn("telegram: a webhook is set on this bot; deleting it to keep polling");
        try {
          await bot.api.deleteWebhook({}, grammySignal(signal));
        } catch (deleteError) {
          if (signal.aborted) return;
          throw toRunError(deleteError, ctx, token);
        }
        continue;
      }
      if (api && isPollerConflict(api)) {
        conflicts++;
        connected = false;
        ctx.report({ connected: false, lastError: OTHER_POLLER });
        if (conflicts >= options.conflictLimit) throw new PollerConflictError(OTHER_POLLER);
        ctx.log.warn(`telegram: ${OTHER_POLLER} (409 conflict ${conflicts} of ${options.conflictLimit})`);
        await pause(options.conflictRetryMs, signal);
        continue;
      }
      if (api?.error_code === 429) {
        const waitMs = (api.parameters?.retry_after ?? 1) * 1000;
        ctx.report({ lastError: `rate limited; polling again in ${Math.ceil(waitMs / 1000)} s` });
        await pause(waitMs, signal);
        continue;
      }
      throw toRunError(error, ctx, token);
    }
    first = false;
    conflicts = 0;
    webhookConflicts = 0;
    if (!connected) {
      connected = true;
      ctx.report({ connected: true, lastConnectedAt: Date.now(), lastError: null });
    }
    for (const update of updates) {
      if (signal.aborted) return;
      // Telegram never sends these for a valid offset; guard anyway so nothing is handled twice.
      if (offset !== undefined && update.update_id < offset) continue;
      const message = options.normalize(update);
      try {
        if (message) await ctx.receive(message);
      } catch (error) {
        // Stopping while the store closes: the update stays unconfirmed and comes again.
        if (signal.aborted) return;
        throw error;
      }
      offset = update.update_id + 1;
      ctx.cursor.set(String(offset));
    }
    // A server that answers long polls at once with nothing (a broken proxy or self-hosted
    // Bot API) would turn this loop into a busy one; Telegram itself never does.
    if (updates.length === 0 && timeout > 0 && performance.now() - startedAt < 500) await pause(1000, signal);
  }
}
