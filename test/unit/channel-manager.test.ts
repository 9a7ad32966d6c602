/**
 * The channel manager with a scripted channel (factory and adapter written here) over the real
 * sqlite stores in a temp dir: reconnects with backoff, a healthy connection resets it, a
 * fatal error stops the account and says why, accounts that cannot run are never built, a
 * config change restarts only the changed account, and status tells what the adapters saw.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentRunInput, AgentRunResult } from "../../src/agent/runner-types.ts";
import { ChannelManager } from "../../src/channels/manager.ts";
import { ChannelFatalError, type AccessPolicy, type ChannelAccountConfig, type ChannelAdapter, type ChannelContext, type ChannelFactory } from "../../src/channels/types.ts";
import type { Options } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { openStore } from "../../src/store/database.ts";
import { SqliteCursorStore } from "../../src/store/channel-cursors.ts";
import { SqliteInboxStore } from "../../src/store/channel-inbox.ts";
import { SqliteOutboxStore } from "../../src/store/channel-outbox.ts";
import { SqlitePairingStore } from "../../src/store/dm-pairing.ts";
import { eventually } from "../helpers/condition.ts";

const OPEN: AccessPolicy = { dmPolicy: "open", allowFrom: ["*"], groupPolicy: "disabled", groupAllowFrom: [], groups: {} };

/** How one account's `run` behaves, call by call: "fail", "fatal", "end" or "stay" (runs until stopped). */
type RunStep = "fail" | "fatal" | "end" | "stay";

interface ScriptedChannel {
  factory: ChannelFactory;
  created: string[];
  runs: Record<string, number>;
  contexts: Record<string, ChannelContext>;
}

function scriptedChannel(plan: Record<string, RunStep[]>): ScriptedChannel {
  const created: string[] = [];
  const runs: Record<string, number> = {};
  const contexts: Record<string, ChannelContext> = {};
  const factory: ChannelFactory = {
    channel: "test",
    accounts(config) {
      const section = (config.channels as Record<string, any> | undefined)?.test as Record<string, Record<string, unknown>> | undefined;
      return Object.entries(section ?? {}).map(([accountId, raw]): ChannelAccountConfig => ({
        channel: "test",
        accountId,
        enabled: raw.enabled !== false,
        access: OPEN,
        raw,
        ...(typeof raw.problem === "string" ? { problem: raw.problem } : {}),
      }));
    },
    async create(account) {
      created.push(account.accountId);
      const id = account.accountId;
      const adapter: ChannelAdapter = {
        channel: "test",
        accountId: id,
        textLimit: 4000,
        async run(ctx) {
          const n = (runs[id] = (runs[id] ?? 0) + 1);
          contexts[id] = ctx;
          const step = plan[id]?.[n - 1] ?? "stay";
          if (step === "fail") throw new TypeError(`network down (${n})`);
          if (step === "fatal") throw new ChannelFatalError("the token was revoked");
          if (step === "end") return;
          ctx.report({ linked: true, connected: true, self: { id: "1", username: `${id}_bot` } });
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        },
        send: async (message) => ({ messageId: "1", chatId: message.to }),
      };
      return adapter;
    },
  };
  return { factory, created, runs, contexts };
}

let dir: string;
let db: Database;
const managers: ChannelManager[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-channels-"));
  db = openStore(dir);
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function optionsWith(accounts: Record<string, Record<string, unknown>>): Options {
  return { config: { channels: { test: accounts } }, env: {}, paths: { stateDir: dir } } as unknown as Options;
}

const noAgent = {
  start: (_input: AgentRunInput) => ({ result: Promise.resolve({ status: "ok", text: "" } as AgentRunResult) }),
  settings: () => ({ defaultAgentId: "main" }),
};

async function started(channel: ScriptedChannel, accounts: Record<string, Record<string, unknown>>, healthyAfterMs = 60_000) {
  let options = optionsWith(accounts);
  const registry = new MetricsRegistry();
  const manager = new ChannelManager({
    options: () => options,
    factories: [channel.factory],
    inbox: new SqliteInboxStore(db),
    outbox: new SqliteOutboxStore(db),
    cursors: new SqliteCursorStore(db),
    pairing: () => new SqlitePairingStore(db, { now: Date.now }),
    agent: noAgent,
    registry,
    tuning: { reconnect: { initialMs: 5, maxMs: 5 }, healthyAfterMs },
  });
  managers.push(manager);
  await manager.start({ signal: new AbortController().signal, log: silentLogger() });
  const change = (next: Record<string, Record<string, unknown>>) => {
    const previous = options;
    options = optionsWith(next);
    manager.optionsChanged(options, previous);
  };
  return { manager, registry, change };
}

const account = (manager: ChannelManager, id: string) => manager.accounts().find((a) => a.accountId === id);

describe("the channel manager", () => {
  test("a failing connection is retried with backoff until it holds; status counts the attempts", async () => {
    const channel = scriptedChannel({ a: ["fail", "fail", "end", "stay"] });
    const { manager, registry } = await started(channel, { a: {} });
    await eventually("the account to connect", () => (account(manager, "a")?.connected ? true : undefined));
    expect(channel.runs.a).toBe(4);
    expect(channel.created).toEqual(["a"]); // one adapter, run again
    expect(account(manager, "a")).toMatchObject({ linked: true, running: true, reconnectAttempts: 3, lastError: "the connection ended by itself", stoppedReason: null, self: { username: "a_bot" } });
    const text = registry.render();
    expect(text).toContain('openclaw_channel_reconnects_total{channel="test",reason="TypeError"} 2');
    expect(text).toContain('openclaw_channel_reconnects_total{channel="test",reason="ended"} 1');
    expect(text).toContain('openclaw_channel_connected{channel="test",account="a"} 1');
  });

  test("a connection that stays healthy resets the backoff", async () => {
    const channel = scriptedChannel({ a: ["fail", "stay"] });
    const { manager } = await started(channel, { a: {} }, 30);
    await eventually("the attempts to reset", () => (account(manager, "a")?.connected && account(manager, "a")?.reconnectAttempts === 0 ? true : undefined));
  });

  test("a fatal error stops the account for good and says why", async () => {
    const channel = scriptedChannel({ a: ["fatal"], b: [] });
    const { manager, change } = await started(channel, { a: {}, b: {} });
    await eventually("a to stop", () => (account(manager, "a")?.stoppedReason ? true : undefined));
    expect(account(manager, "a")).toMatchObject({ running: false, connected: false, stoppedReason: "the token was revoked", lastError: "the token was revoked" });
    await eventually("b to connect", () => (account(manager, "b")?.connected ? true : undefined));
    expect(channel.runs.a).toBe(1);
    expect(manager.status()).toMatchObject({ state: "degraded", detail: "test/a: the token was revoked" });
    expect(manager.target("test", "a")).toEqual({ ok: false, code: "not_linked", message: "channel test account a is not linked" });
    // An unrelated change does not revive it; only a change of its own settings does.
    change({ a: {}, b: { x: 1 } });
    await eventually("b to restart", () => (channel.runs.b === 2 ? true : undefined));
    expect(channel.runs.a).toBe(1);
    expect(account(manager, "a")?.stoppedReason).toBe("the token was revoked");
    change({ a: { x: 1 }, b: { x: 1 } });
    await eventually("a to be tried again", () => (channel.runs.a === 2 ? true : undefined));
  });

  test("accounts that are disabled or cannot run are listed but never built", async () => {
    const channel = scriptedChannel({});
    const { manager } = await started(channel, { off: { enabled: false }, broken: { problem: "no bot token: set channels.test.botToken" }, ok: {} });
    await eventually("ok to connect", () => (account(manager, "ok")?.connected ? true : undefined));
    expect(channel.created).toEqual(["ok"]);
    expect(account(manager, "off")).toMatchObject({ enabled: false, configured: true, running: false, stoppedReason: "disabled in the config" });
    expect(account(manager, "broken")).toMatchObject({ configured: true, linked: false, stoppedReason: "no bot token: set channels.test.botToken" });
  });

  test("a config change restarts only the account whose settings changed; added and removed accounts follow", async () => {
    const channel = scriptedChannel({});
    const { manager, change } = await started(channel, { a: { x: 1 }, b: { x: 1 } });
    await eventually("both to connect", () => (account(manager, "a")?.connected && account(manager, "b")?.connected ? true : undefined));
    const aContext = channel.contexts.a!;
    change({ a: { x: 1 }, b: { x: 2 }, c: {} });
    await eventually("b to restart and c to start", () => (channel.runs.b === 2 && account(manager, "c")?.connected ? true : undefined));
    expect(aContext.signal.aborted).toBe(false);
    expect(channel.runs.a).toBe(1);
    expect(channel.created).toEqual(["a", "b", "b", "c"]);
    change({ a: { x: 1 }, b: { x: 2 } });
    await eventually("c to go", () => (account(manager, "c") ? undefined : true));
    expect(channel.contexts.c!.signal.aborted).toBe(true);
    expect(aContext.signal.aborted).toBe(false);
  });

  test("status for health: the default account's fields on top, every account under accounts", async () => {
    const channel = scriptedChannel({});
    const { manager } = await started(channel, { other: {}, default: {} });
    await eventually("both to connect", () => (manager.accounts().every((a) => a.connected) ? true : undefined));
    const status = manager.status();
    expect(status.state).toBe("running");
    expect(status.channels?.test).toMatchObject({ accountId: "default", configured: true, linked: true, authAgeMs: null });
    expect(Object.keys(status.channels?.test?.accounts ?? {})).toEqual(["other", "default"]);
    expect(manager.target()).toEqual({ ok: true, channel: "test", accountId: "default" });
    expect(manager.target("test", "other")).toEqual({ ok: true, channel: "test", accountId: "other" });
    expect(manager.target("nope")).toEqual({ ok: false, code: "unsupported", message: "unsupported channel: nope" });
  });

  test("stop ends every run", async () => {
    const channel = scriptedChannel({});
    const { manager } = await started(channel, { a: {} });
    await eventually("a to connect", () => (account(manager, "a")?.connected ? true : undefined));
    await manager.stop();
    expect(channel.contexts.a!.signal.aborted).toBe(true);
    expect(account(manager, "a")).toMatchObject({ running: false, connected: false });
  });
});
