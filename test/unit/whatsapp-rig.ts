/**
 * A WhatsApp adapter on the fake socket and the fake clock, with in-memory stores and a
 * ChannelContext that records what the adapter reports and receives. The WhatsApp unit tests
 * share it; nothing here touches the network or sleeps.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthenticationCreds } from "@whiskeysockets/baileys";
import type { ChannelAccountStatus, ChannelContext, InboundMessage } from "../../src/channels/types.ts";
import { WhatsAppAdapter, type WhatsAppAdapterOptions, type WhatsAppAuth } from "../../src/channels/whatsapp/adapter.ts";
import { readWhatsAppSettings, type WhatsAppSettings } from "../../src/channels/whatsapp/settings.ts";
import { MemoryLidMap, MemorySentMessages } from "../../src/channels/whatsapp/stores.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { FakeClock } from "../fakes/whatsapp-clock.ts";
import { FakeWhatsApp, SELF_USER } from "../fakes/whatsapp-socket.ts";
import { Condition } from "../helpers/condition.ts";

type Status = Partial<Omit<ChannelAccountStatus, "channel" | "accountId">>;

export interface RigOptions {
  settings?: Partial<WhatsAppSettings> & Record<string, unknown>;
  linked?: boolean;
  autoOpen?: boolean;
  adapter?: Partial<WhatsAppAdapterOptions>;
}

export interface Rig {
  clock: FakeClock;
  wa: FakeWhatsApp;
  adapter: WhatsAppAdapter;
  auth: WhatsAppAuth & { saves: number; clears: number };
  lidMap: MemoryLidMap;
  sent: MemorySentMessages;
  locks: { taken: number; released: number };
  mediaDir: string;
  ctx: ChannelContext;
  received: InboundMessage[];
  reports: Status[];
  /** Everything reported so far, merged: what the manager's snapshot would say. */
  status(): Status;
  changed: Condition;
  waitForReceived(count: number): Promise<InboundMessage[]>;
  /** Starts `run`; its settled outcome is kept (never an unhandled rejection). */
  start(): Promise<{ ok: true } | { ok: false; error: unknown }>;
  stop(): void;
  dispose(): Promise<void>;
}

export async function makeRig(options: RigOptions = {}): Promise<Rig> {
  const clock = new FakeClock();
  const wa = new FakeWhatsApp(clock, { autoOpen: options.autoOpen ?? true });
  const linked = options.linked ?? true;
  const creds = { me: linked ? { id: SELF_USER.id, lid: SELF_USER.lid, name: SELF_USER.name } : undefined } as unknown as AuthenticationCreds;
  const auth = {
    state: { creds, keys: { get: async () => ({}), set: async () => {} } },
    linked,
    saves: 0,
    clears: 0,
    async saveCreds() {
      auth.saves += 1;
    },
    async clear() {
      auth.clears += 1;
    },
  };
  const lidMap = new MemoryLidMap();
  const sent = new MemorySentMessages();
  const locks = { taken: 0, released: 0 };
  const mediaDir = join(await mkdtemp(join(tmpdir(), "openclaw-wa-")), "inbox", "whatsapp");
  const changed = new Condition();
  const received: InboundMessage[] = [];
  const reports: Status[] = [];
  const controller = new AbortController();
  const ctx: ChannelContext = {
    receive: async (message) => {
      received.push(message);
      changed.wake();
    },
    cursor: { get: () => null, set: () => {} },
    report: (update) => {
      if (controller.signal.aborted) return;
      reports.push(update);
      changed.wake();
    },
    log: silentLogger(),
    signal: controller.signal,
  };
  const adapter = new WhatsAppAdapter({
    accountId: "default",
    settings: { ...readWhatsAppSettings(options.settings ?? {}) },
    socketFactory: wa.factory,
    openAuth: async () => auth,
    lock: async () => {
      locks.taken += 1;
      return { release: () => (locks.released += 1) };
    },
    lidMap,
    sent,
    mediaDir,
    clock,
    pacing: { random: () => 0 },
    ...options.adapter,
  });
  let running: Promise<{ ok: true } | { ok: false; error: unknown }> | null = null;
  return {
    clock,
    wa,
    adapter,
    auth,
    lidMap,
    sent,
    locks,
    mediaDir,
    ctx,
    received,
    reports,
    changed,
    status: () => Object.assign({}, ...reports),
    waitForReceived: (count) => changed.waitFor(`${count} received message(s)`, () => (received.length >= count ? received : undefined)),
    start: () =>
      (running ??= adapter.run(ctx).then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      )),
    stop: () => controller.abort(),
    dispose: async () => {
      controller.abort();
      await running;
      await rm(join(mediaDir, "..", ".."), { recursive: true, force: true });
    },
  };
}
