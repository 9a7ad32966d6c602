/**
 * The gateway's WhatsApp login service over a real store (sqlite in a temp state dir) and the
 * fake socket: a finished link lands in the account's auth state whole (creds and the keys
 * Baileys wrote) while the account is stopped, then the account restarts; an abandoned link
 * leaves the store as it was; one login per account; a forced re-link backs the old link up.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWhatsAppAuthState } from "../../src/channels/whatsapp/auth-state.ts";
import { WhatsAppLoginError } from "../../src/channels/whatsapp/login-errors.ts";
import { LOGIN_BROWSER, WhatsAppLoginService } from "../../src/channels/whatsapp/login-service.ts";
import type { WhatsAppLogin } from "../../src/channels/whatsapp/login.ts";
import { loadOptions } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { FakeClock } from "../fakes/whatsapp-clock.ts";
import { FakeWhatsApp, SELF_USER, type FakeWaSocket } from "../fakes/whatsapp-socket.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(config: Record<string, unknown> = { channels: { whatsapp: {} } }) {
  const home = await mkdtemp(join(tmpdir(), "openclaw-wa-login-"));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const options = await loadOptions({ env: { OPENCLAW_HOME: home }, port: 0 });
  const running = { ...options, config: config as typeof options.config };
  const db: Database = openStore(options.paths.stateDir);
  cleanups.push(() => db.close());
  const clock = new FakeClock();
  const wa = new FakeWhatsApp(clock, { autoOpen: false });
  // What the manager does, as far as the login can see: stop, run the change, start again.
  const restarts: { accountId: string; linkedDuringChange: string | null }[] = [];
  const store = new WhatsAppAuthStore(db);
  const service = new WhatsAppLoginService({
    db,
    options: () => running,
    restartAccount: async (accountId, change) => {
      await change();
      restarts.push({ accountId, linkedDuringChange: store.linkedAs(accountId) });
      return accountId === "default";
    },
    socketFactory: wa.factory,
    log: silentLogger(),
    clock,
  });
  cleanups.push(() => service.stop());
  return { stateDir: options.paths.stateDir, db, store, clock, wa, service, restarts };
}

type Rig = Awaited<ReturnType<typeof rig>>;

async function started(r: Rig, request: Parameters<WhatsAppLoginService["start"]>[0] = {}): Promise<WhatsAppLogin> {
  const outcome = await r.service.start(request);
  if (!("login" in outcome)) throw new Error(`expected a login, got ${JSON.stringify(outcome)}`);
  return outcome.login;
}

/** Scan, pair (Baileys writing keys on the way, as it does), 515, reopen, open. */
async function link(r: Rig, login: WhatsAppLogin, from = r.wa.sockets.length): Promise<void> {
  const first: FakeWaSocket = await r.wa.waitForSockets(from + 1);
  first.qr("2@one");
  await first.options.auth.keys.set({ "pre-key": { "1": { public: Buffer.from([1, 2]), private: Buffer.from([3, 4]) } } });
  first.credsUpdate({ me: { id: SELF_USER.id, name: "~" } });
  first.ev.emit("connection.update", { isNewLogin: true });
  first.close(515);
  const second = await r.wa.waitForSockets(from + 2);
  await second.options.auth.keys.set({ session: { "15559990000.0": Buffer.from([7]) } });
  second.open();
  await login.done;
}

describe("a finished link", () => {
  test("is committed whole into the account's store while it is stopped, then the account restarts", async () => {
    const r = await rig();
    expect(r.store.readCreds("default")).toBeNull();
    const login = await started(r);
    await link(r, login);
    expect(login.snapshot()).toMatchObject({ status: "linked", phone: "+15550001111" });
    expect(login.snapshot()).not.toHaveProperty("note");
    // The phone lists the device as OpenClaw.
    expect(r.wa.sockets[0]!.options.browser).toEqual(LOGIN_BROWSER);
    // The creds were in the store by the time the account started again.
    expect(r.restarts).toEqual([{ accountId: "default", linkedDuringChange: SELF_USER.id }]);
    expect(r.store.countKeys("default")).toEqual({ "pre-key": 1, session: 1 });
    // The adapter's own reader gets the same creds and keys back.
    const auth = await openWhatsAppAuthState({ db: r.db, accountId: "default", stateDir: r.stateDir });
    expect(auth.linked).toBe(true);
    expect(auth.state.creds.me?.id).toBe(SELF_USER.id);
    const preKey = (await auth.state.keys.get("pre-key", ["1"]))["1"];
    expect(Buffer.from(preKey!.public)).toEqual(Buffer.from([1, 2]));
    // Nothing was there before, so there is no backup.
    expect(existsSync(join(r.stateDir, "credentials"))).toBe(false);
  });

  test("of an account the config does not list says how to run it", async () => {
    const r = await rig();
    const login = await started(r, { accountId: "work" });
    await link(r, login);
    expect(login.snapshot()).toMatchObject({
      status: "linked",
      note: "the account is linked but not in the config: add channels.whatsapp.accounts.work to openclaw.json and the gateway starts it",
    });
    expect(r.store.linkedAs("work")).toBe(SELF_USER.id);
  });

  test("a linked account is reported, not relinked; force links anew and backs the old link up first", async () => {
    const r = await rig();
    await link(r, await started(r));
    const again = await r.service.start({});
    expect(again).toEqual({ accountId: "default", alreadyLinked: { phone: "+15550001111" } });
    expect(r.wa.sockets).toHaveLength(2);

    const relink = await started(r, { force: true });
    const first = await r.wa.waitForSockets(3);
    first.qr("2@one");
    first.credsUpdate({ me: { id: "15557770000:3@s.whatsapp.net", name: "~" } });
    first.ev.emit("connection.update", { isNewLogin: true });
    first.close(515);
    (await r.wa.waitForSockets(4)).open();
    expect(await relink.done).toMatchObject({ status: "linked", phone: "+15557770000" });
    expect(r.store.linkedAs("default")).toBe("15557770000:3@s.whatsapp.net");
    // The earlier link's keys are gone from the store and kept in the backup.
    expect(r.store.countKeys("default")).toEqual({});
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = join(r.stateDir, "credentials", "whatsapp", "default");
    const backups = readdirSync(dir).filter((name) => name.startsWith("backup-"));
    expect(backups).toHaveLength(1);
    const backup = JSON.parse(readFileSync(join(dir, backups[0]!), "utf8"));
    expect(backup.creds.me.id).toBe(SELF_USER.id);
    expect(Object.keys(backup.keys).sort()).toEqual(["pre-key", "session"]);
  });
});

describe("an abandoned link", () => {
  test("a timeout, a refusal or a stop leave no creds and no keys, and restart nothing", async () => {
    const r = await rig();
    const timedOut = await started(r);
    const socket = await r.wa.waitForSockets(1);
    socket.qr("2@one");
    // A pairing-code style early `me`, and keys, all in the staged state only.
    socket.credsUpdate({ me: { id: SELF_USER.id, name: "~" } });
    await socket.options.auth.keys.set({ "pre-key": { "1": { public: Buffer.from([1]), private: Buffer.from([2]) } } });
    await r.clock.advance(180_000);
    expect(await timedOut.done).toMatchObject({ status: "timeout" });

    const refused = await started(r);
    const other = await r.wa.waitForSockets(2);
    other.qr("2@one");
    other.close(401);
    expect(await refused.done).toMatchObject({ status: "failed" });

    const stopped = await started(r);
    (await r.wa.waitForSockets(3)).qr("2@one");
    await r.service.stop();
    expect(await stopped.done).toMatchObject({ status: "failed", error: "cancelled: the gateway is stopping" });

    expect(r.store.exportAccount("default")).toEqual({ creds: null, keys: [], legacyKeys: [] });
    expect(r.restarts).toEqual([]);
    await expect(r.service.start({})).rejects.toThrow("the gateway is stopping");
  });
});

describe("one login per account", () => {
  test("a second start gets the running attempt; another mode is refused; force replaces it", async () => {
    const r = await rig();
    const first = await r.service.start({});
    const second = await r.service.start({});
    expect("login" in first && "login" in second && second.login === first.login && second.reused).toBe(true);
    await r.wa.waitForSockets(1);
    expect(r.wa.sockets).toHaveLength(1);

    let refusal: unknown;
    try {
      await r.service.start({ pairingPhone: "15551234567" });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(WhatsAppLoginError);
    expect(refusal).toMatchObject({ code: "busy", message: expect.stringContaining("a QR login for WhatsApp account default is already running") });

    // Another account is not affected.
    const work = await started(r, { accountId: "work" });
    expect(work).not.toBe((first as { login: WhatsAppLogin }).login);

    const replaced = await started(r, { force: true, pairingPhone: "15551234567" });
    expect(await (first as { login: WhatsAppLogin }).login.done).toMatchObject({ status: "failed", error: "cancelled: replaced by a new login" });
    expect(replaced.snapshot().mode).toBe("pairing-code");
    expect(r.service.find({ accountId: "default" })).toBe(replaced);
    expect(r.service.find({ sessionKey: replaced.sessionKey })).toBe(replaced);
    expect(r.service.find({ sessionKey: replaced.sessionKey, accountId: "work" })).toBeNull();
  });

  test("an account id that cannot name a state directory is refused", async () => {
    const r = await rig();
    await expect(r.service.start({ accountId: "../x" })).rejects.toMatchObject({ name: "WhatsAppLoginError", code: "invalid_account" });
  });

  test("the default account follows the config", async () => {
    expect((await rig({ channels: { whatsapp: { accounts: { work: {}, home: {} } } } })).service.defaultAccountId()).toBe("home");
    expect((await rig({ channels: { whatsapp: { defaultAccount: "work", accounts: { work: {}, home: {} } } } })).service.defaultAccountId()).toBe("work");
    expect((await rig({})).service.defaultAccountId()).toBe("default");
  });
});
