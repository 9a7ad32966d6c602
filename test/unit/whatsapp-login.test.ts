/**
 * The WhatsApp login state machine on the fake Baileys socket and a hand-moved clock: QR
 * rotation, the pairing code, the 515 restart after pairing (handled inside the flow), and
 * every way an attempt ends without a link (timeout, QR refs running out, refusal, cancel,
 * a failed commit), none of which reaches `commit`.
 */
import { describe, expect, test } from "bun:test";
import type { StagedAuth } from "../../src/channels/whatsapp/login-staged-auth.ts";
import { DEFAULT_LOGIN_TIMEOUT_MS, PAIRED_GRACE_MS, WhatsAppLogin, type WhatsAppLoginOptions } from "../../src/channels/whatsapp/login.ts";
import type { WhatsAppLoginSnapshot } from "../../src/channels/whatsapp/login-types.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { FakeClock, settle } from "../fakes/whatsapp-clock.ts";
import { FakeWhatsApp, SELF_USER, type FakeWaSocket } from "../fakes/whatsapp-socket.ts";

function rig(options: Partial<WhatsAppLoginOptions> = {}) {
  const clock = new FakeClock();
  const wa = new FakeWhatsApp(clock, { autoOpen: false });
  const commits: StagedAuth[] = [];
  const login = new WhatsAppLogin({
    accountId: "default",
    sessionKey: "s-1",
    socketFactory: wa.factory,
    socket: { logger: undefined as never },
    commit: async (auth) => void commits.push(auth),
    log: silentLogger(),
    clock,
    ...options,
  });
  const statuses: string[] = [];
  // Every status the attempt passes through, in order (a poller could miss some; a watcher cannot).
  const watch = async () => {
    let seen = -1;
    while (!login.ended || seen < login.snapshot().version) {
      const s = await login.waitFor((x) => x.version > seen, 60_000);
      if (s.version === seen) continue;
      seen = s.version;
      if (statuses.at(-1) !== s.status) statuses.push(s.status);
      if (login.ended && s.version === login.snapshot().version) break;
    }
  };
  return { clock, wa, commits, login, statuses, watch };
}

/** What the phone's "pair-success" does to a Baileys socket: creds gain `me`, then `isNewLogin`. */
function pairSuccess(socket: FakeWaSocket): void {
  socket.credsUpdate({ me: { id: SELF_USER.id, name: "~", lid: SELF_USER.lid }, platform: "android" });
  socket.ev.emit("connection.update", { isNewLogin: true, qr: undefined });
}

const until = (login: WhatsAppLogin, what: (s: WhatsAppLoginSnapshot) => boolean) => login.waitFor(what, 5000);

describe("QR link", () => {
  test("qr → rotated qr → 515 → open: linked inside the flow, creds committed once, sockets closed", async () => {
    const { wa, commits, login, statuses, watch } = rig();
    const watching = watch();
    login.start();
    const first = await wa.waitForSockets(1);
    expect(login.snapshot()).toMatchObject({ status: "connecting", qrCount: 0 });

    first.qr("2@ref-one,noise,identity,adv,1");
    expect(await until(login, (s) => s.qrCount === 1)).toMatchObject({ status: "qr", qr: "2@ref-one,noise,identity,adv,1", qrCount: 1 });
    first.qr("2@ref-two,noise,identity,adv,1");
    // The rotated QR replaces the first one: only the latest is ever shown.
    expect(await until(login, (s) => s.qrCount === 2)).toMatchObject({ status: "qr", qr: "2@ref-two,noise,identity,adv,1", qrCount: 2 });

    pairSuccess(first);
    expect(await until(login, (s) => s.status === "pairing")).not.toHaveProperty("qr");
    first.close(515, "Stream Errored (restart required)");

    // A new socket, on the same (staged) creds the phone just approved: no user restart.
    const second = await wa.waitForSockets(2);
    expect(second.options.auth.creds.me?.id).toBe(SELF_USER.id);
    expect(second.options.auth).toBe(first.options.auth);
    second.open();

    const done = await login.done;
    expect(done).toMatchObject({ status: "linked", phone: "+15550001111", qrCount: 2 });
    expect(done).not.toHaveProperty("qr");
    expect(done).not.toHaveProperty("error");
    expect(commits).toHaveLength(1);
    expect(commits[0]!.me?.id).toBe(SELF_USER.id);
    // The login's socket was closed cleanly (no error), and nothing listens to either socket any more.
    expect(second.ended).toEqual([undefined]);
    expect(first.listeners + second.listeners).toBe(0);
    expect(wa.sockets).toHaveLength(2);
    await watching;
    expect(statuses).toEqual(["connecting", "qr", "pairing", "linked"]);
  });

  test("several reopens after pairing are allowed up to maxReconnects, then the attempt fails", async () => {
    const { wa, commits, login } = rig({ maxReconnects: 2 });
    login.start();
    const first = await wa.waitForSockets(1);
    first.qr("2@a");
    pairSuccess(first);
    first.close(515);
    (await wa.waitForSockets(2)).close(428, "Connection Closed");
    (await wa.waitForSockets(3)).close(515);
    expect(await login.done).toMatchObject({ status: "failed", error: "WhatsApp kept closing the connection after pairing (515: closed (515))" });
    expect(commits).toHaveLength(0);
    expect(wa.sockets).toHaveLength(3);
  });
});

describe("pairing code", () => {
  test("asked for once on the first QR with the digits; the code, then 515 → open → linked", async () => {
    const { wa, commits, login, statuses, watch } = rig({ pairingPhone: "15551234567" });
    const watching = watch();
    login.start();
    const first = await wa.waitForSockets(1);
    const asked: string[] = [];
    first.requestPairingCode = async (phone: string) => {
      asked.push(phone);
      return "WXYZ5678";
    };
    first.qr("2@one");
    first.qr("2@two");
    const shown = await until(login, (s) => s.status === "code");
    expect(shown).toMatchObject({ mode: "pairing-code", status: "code", code: "WXYZ5678" });
    // QRs are not shown in this mode, and the code is asked for only once.
    expect(shown).not.toHaveProperty("qr");
    expect(asked).toEqual(["15551234567"]);

    pairSuccess(first);
    first.close(515);
    (await wa.waitForSockets(2)).open();
    expect(await login.done).toMatchObject({ status: "linked", phone: "+15550001111" });
    expect(login.snapshot()).not.toHaveProperty("code");
    expect(commits).toHaveLength(1);
    await watching;
    expect(statuses).toEqual(["connecting", "code", "pairing", "linked"]);
  });

  test("WhatsApp refusing the code request fails the attempt with its reason", async () => {
    const { wa, commits, login } = rig({ pairingPhone: "15551234567" });
    login.start();
    const first = await wa.waitForSockets(1);
    first.requestPairingCode = async () => {
      throw new Error("bad-request");
    };
    first.qr("2@one");
    expect(await login.done).toMatchObject({ status: "failed", error: "WhatsApp did not give a pairing code: bad-request" });
    expect(first.ended).toHaveLength(1);
    expect(commits).toHaveLength(0);
  });
});

describe("attempts that end without a link", () => {
  test("nobody scans before the deadline: timeout, socket closed, nothing committed", async () => {
    const { clock, wa, commits, login } = rig();
    login.start();
    const first = await wa.waitForSockets(1);
    first.qr("2@one");
    await until(login, (s) => s.status === "qr");
    await clock.advance(DEFAULT_LOGIN_TIMEOUT_MS - 1);
    expect(login.ended).toBe(false);
    await clock.advance(1);
    expect(await login.done).toMatchObject({ status: "timeout", error: "nobody completed the link in time", qrCount: 1 });
    expect(login.snapshot()).not.toHaveProperty("qr");
    expect(first.ended).toHaveLength(1);
    expect(first.listeners).toBe(0);
    expect(commits).toHaveLength(0);
  });

  test("a device the phone accepted gets the grace period to finish", async () => {
    const { clock, wa, login } = rig({ timeoutMs: 60_000 });
    login.start();
    const first = await wa.waitForSockets(1);
    first.qr("2@one");
    await clock.advance(59_000);
    pairSuccess(first);
    await until(login, (s) => s.status === "pairing");
    expect(login.snapshot().expiresAt).toBe(clock.now() + PAIRED_GRACE_MS);
    await clock.advance(30_000);
    expect(login.ended).toBe(false);
    first.close(515);
    (await wa.waitForSockets(2)).open();
    expect(await login.done).toMatchObject({ status: "linked" });
  });

  test("the QR references running out (408) is a timeout; a refusal (401) a failure", async () => {
    const expired = rig();
    expired.login.start();
    const socket = await expired.wa.waitForSockets(1);
    socket.qr("2@one");
    socket.close(408, "QR refs attempts ended");
    expect(await expired.login.done).toMatchObject({ status: "timeout", error: expect.stringContaining("nobody scanned the QR code") });

    const refused = rig();
    refused.login.start();
    const other = await refused.wa.waitForSockets(1);
    other.qr("2@one");
    pairSuccess(other);
    other.close(401, "Connection Failure");
    expect(await refused.login.done).toMatchObject({ status: "failed", error: "WhatsApp refused the link (401: Connection Failure)" });
    expect(expired.commits.length + refused.commits.length).toBe(0);
  });

  test("cancel ends the attempt and closes its socket; late events change nothing", async () => {
    const { wa, commits, login } = rig();
    login.start();
    const first = await wa.waitForSockets(1);
    first.qr("2@one");
    await until(login, (s) => s.status === "qr");
    const cancelled = await login.cancel("the gateway is stopping");
    expect(cancelled).toMatchObject({ status: "failed", error: "cancelled: the gateway is stopping" });
    expect(first.ended).toHaveLength(1);
    first.qr("2@late");
    pairSuccess(first);
    await settle();
    expect(login.snapshot()).toMatchObject({ status: "failed", qrCount: 1, version: cancelled.version });
    expect(commits).toHaveLength(0);
  });

  test("a commit that throws fails the attempt and says the device must be removed on the phone", async () => {
    const { wa, login } = rig({
      commit: async () => {
        throw new Error("disk full");
      },
    });
    login.start();
    const first = await wa.waitForSockets(1);
    first.qr("2@one");
    pairSuccess(first);
    first.close(515);
    (await wa.waitForSockets(2)).open();
    expect(await login.done).toMatchObject({
      status: "failed",
      error: "linked on the phone, but the credentials could not be saved: disk full; remove the device in WhatsApp → Linked devices and try again",
    });
  });

  test("a socket that cannot be made fails the attempt", async () => {
    const clock = new FakeClock();
    const login = new WhatsAppLogin({
      accountId: "default",
      sessionKey: "s-2",
      socketFactory: () => {
        throw new Error("no network");
      },
      socket: { logger: undefined as never },
      commit: async () => {},
      log: silentLogger(),
      clock,
    }).start();
    expect(await login.done).toMatchObject({ status: "failed", error: "the login failed: no network" });
  });
});

test("waitFor answers on the change asked for, or with the unchanged snapshot at its deadline", async () => {
  const { clock, wa, login } = rig();
  login.start();
  const first = await wa.waitForSockets(1);
  const pending = login.waitFor((s) => s.qrCount > 0, 10_000);
  first.qr("2@one");
  expect(await pending).toMatchObject({ qrCount: 1, qr: "2@one" });
  const quiet = login.waitFor((s) => s.qrCount > 1, 10_000);
  await clock.advance(10_000);
  expect(await quiet).toMatchObject({ status: "qr", qrCount: 1 });
  await login.cancel("done");
});
