/**
 * The WhatsApp connection supervisor on the fake socket and the fake clock: what each close
 * code leads to, liveness from the socket (never from quiet chats), sleep/wake and frozen
 * processes, and that every socket leaves no listener and no timer behind.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { ChannelFatalError } from "../../src/channels/types.ts";
import { closeAction } from "../../src/channels/whatsapp/close-codes.ts";
import { NOT_LINKED, WhatsAppConnectionError } from "../../src/channels/whatsapp/errors.ts";
import { SESSION_DEFAULTS } from "../../src/channels/whatsapp/session.ts";
import { SOCKET_DEFAULTS } from "../../src/channels/whatsapp/socket.ts";
import { boom } from "../fakes/whatsapp-socket.ts";
import { makeRig, type Rig } from "./whatsapp-rig.ts";

const HOUR = 60 * 60_000;
let rig: Rig;

afterEach(async () => {
  await rig?.dispose();
});

async function connected(options: Parameters<typeof makeRig>[0] = {}): Promise<Rig> {
  rig = await makeRig(options);
  void rig.start();
  await rig.wa.waitForSockets(1);
  await rig.changed.waitFor("connected", () => (rig.status().connected ? true : undefined));
  return rig;
}

/** No listener on any socket, no timer on the clock, the lock given back. */
function expectClean(r: Rig): void {
  for (const socket of r.wa.sockets) expect(socket.listeners).toBe(0);
  expect(r.clock.pending).toBe(0);
  expect(r.locks.released).toBe(r.locks.taken);
}

describe("close codes → action", () => {
  const cases: [string, unknown, "restart" | "retry" | "fatal", RegExp][] = [
    ["515 restart required", boom(515), "restart", /restart \(515\)/],
    ["408 connection lost", boom(408), "retry", /lost or timed out \(408\)/],
    ["428 connection closed", boom(428), "retry", /closed the connection \(428\)/],
    ["499 (a reference gateway's own watchdog)", boom(499), "retry", /499/],
    ["500 bad session", boom(500), "retry", /bad session \(500\)/],
    ["503 unavailable", boom(503), "retry", /unavailable \(503\)/],
    ["502 from WhatsApp", boom(502), "retry", /502/],
    ["405 outdated client", boom(405), "retry", /fetchLatestVersion/],
    ["DNS failure (no status)", new Error("getaddrinfo EAI_AGAIN web.whatsapp.com"), "retry", /EAI_AGAIN/],
    ["a proxy answering 403 to the upgrade", boom(403, "WebSocket Error (Unexpected server response: 403)"), "retry", /cannot reach WhatsApp/],
    ["440 replaced", boom(440), "fatal", /another device\/gateway took over this WhatsApp session/],
    ["401 logged out", boom(401), "fatal", /logged this device out \(401\).*channels login --channel whatsapp/],
    ["403 banned", boom(403), "fatal", /banned.*channels login/],
    ["411 multi-device mismatch", boom(411), "fatal", /multi-device mismatch \(411\)/],
    ["419 session invalid", boom(419), "fatal", /419/],
  ];
  for (const [name, error, kind, reason] of cases) {
    test(name, () => {
      const action = closeAction(error);
      expect(action.kind).toBe(kind);
      expect(action.reason).toMatch(reason);
    });
  }

  test("the adapter acts on each: 515 reconnects at once, transient codes reject retryably, terminal ones fatally", async () => {
    for (const [name, error, kind, reason] of cases) {
      const r = await connected();
      r.wa.current!.closeWith(error as Error);
      if (kind === "restart") {
        const second = await r.wa.waitForSockets(2);
        await r.changed.waitFor("connected again", () => (second.user && r.status().connected ? true : undefined));
        expect(r.reports.some((u) => u.connected === false)).toBe(true);
        r.stop();
        expect(await r.start()).toEqual({ ok: true });
      } else {
        const outcome = await r.start();
        expect(outcome.ok, name).toBe(false);
        const failure = (outcome as { error: Error }).error;
        if (kind === "fatal") expect(failure, name).toBeInstanceOf(ChannelFatalError);
        else {
          expect(failure, name).toBeInstanceOf(WhatsAppConnectionError);
          expect(failure, name).not.toBeInstanceOf(ChannelFatalError);
        }
        expect(failure.message, name).toMatch(reason);
        expect(r.wa.sockets.length, name).toBe(1);
        expect(r.status().connected, name).toBe(false);
      }
      expectClean(r);
      await r.dispose();
    }
  });

  test("a logout (401) reports the account unlinked; a 440 keeps it linked but stopped", async () => {
    const r = await connected();
    r.wa.current!.close(401);
    await r.start();
    expect(r.status()).toMatchObject({ linked: false, connected: false });
    await r.dispose();
    const s = await connected();
    s.wa.current!.close(440);
    const outcome = await s.start();
    expect((outcome as { error: Error }).error.message).toMatch(/took over/);
    expect(s.status()).toMatchObject({ linked: true, connected: false });
    expect(s.auth.clears).toBe(0);
  });
});

describe("515 and the creds", () => {
  test("the new socket is made only after the creds.update before the 515 is saved", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    rig = await makeRig();
    const save = rig.auth.saveCreds.bind(rig.auth);
    rig.auth.saveCreds = async () => {
      await gate;
      await save();
    };
    void rig.start();
    const first = await rig.wa.waitForSockets(1);
    first.credsUpdate({ me: { id: "15550001111:8@s.whatsapp.net" } });
    first.close(515);
    await rig.clock.advance(0);
    expect(rig.wa.sockets.length).toBe(1);
    release();
    await rig.wa.waitForSockets(2);
    expect(rig.auth.saves).toBe(1);
  });

  test("515 after 515 without ever opening backs off instead of looping", async () => {
    rig = await makeRig({ autoOpen: false });
    const outcome = rig.start();
    for (let n = 1; n <= 4; n++) {
      const socket = await rig.wa.waitForSockets(n);
      socket.close(515);
    }
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error).toBeInstanceOf(WhatsAppConnectionError);
    expect((result as { error: Error }).error.message).toMatch(/4 restarts in a row/);
    expect(rig.wa.sockets.length).toBe(4);
    expectClean(rig);
  });
});

describe("liveness", () => {
  test("12 hours without a single inbound message: zero reconnects", async () => {
    const r = await connected();
    await r.clock.advance(12 * HOUR);
    expect(r.wa.sockets.length).toBe(1);
    expect(r.wa.current!.ended).toEqual([]);
    expect(r.status().connected).toBe(true);
    expect(r.reports.filter((u) => u.connected === false)).toEqual([]);
  });

  test("open but not answering: not connected within keepalive + grace, then a retryable failure", async () => {
    const r = await connected();
    await r.clock.advance(60_000);
    r.wa.current!.stopAnswering();
    const deadline = SOCKET_DEFAULTS.keepAliveIntervalMs + SESSION_DEFAULTS.livenessGraceMs + SESSION_DEFAULTS.tickMs;
    await r.clock.advance(deadline);
    expect(r.status().connected).toBe(false);
    expect(r.status().lastError).toMatch(/not answered for \d+ s/);
    const outcome = await r.start();
    expect((outcome as { error: Error }).error).toBeInstanceOf(WhatsAppConnectionError);
    expectClean(r);
  });

  test("a wall-clock jump (sleep/wake) reports not connected and reconnects at once", async () => {
    const r = await connected();
    await r.clock.advance(30_000);
    r.clock.jumpWall(10 * 60_000);
    await r.clock.advance(SESSION_DEFAULTS.tickMs);
    expect(r.reports.some((u) => u.connected === false && /wall clock jumped 600 s/.test(String(u.lastError)))).toBe(true);
    const second = await r.wa.waitForSockets(2);
    expect(r.wa.sockets[0]!.ended.length).toBe(1);
    await r.changed.waitFor("connected again", () => (second.user && r.status().connected ? true : undefined));
    expect(r.wa.sockets[0]!.listeners).toBe(0);
  });

  test("a frozen process (SIGSTOP for 10 minutes) turns not connected on its first tick after SIGCONT, then recovers", async () => {
    const r = await connected();
    r.clock.freeze(10 * 60_000);
    await r.clock.advance(0);
    expect(r.reports.some((u) => u.connected === false && /paused for 60\d s/.test(String(u.lastError)))).toBe(true);
    const second = await r.wa.waitForSockets(2);
    await r.changed.waitFor("connected again", () => (second.user && r.status().connected ? true : undefined));
  });

  test("a socket that never opens is given up after openTimeoutMs", async () => {
    rig = await makeRig({ autoOpen: false });
    const outcome = rig.start();
    await rig.wa.waitForSockets(1);
    await rig.clock.advance(SESSION_DEFAULTS.openTimeoutMs + SESSION_DEFAULTS.tickMs);
    const result = await outcome;
    expect((result as { error: Error }).error.message).toMatch(/no connection to WhatsApp within 60 s/);
    expectClean(rig);
  });
});

describe("run", () => {
  test("not linked: fatal with what to run, and no socket is made", async () => {
    rig = await makeRig({ linked: false });
    const outcome = await rig.start();
    expect((outcome as { error: Error }).error).toBeInstanceOf(ChannelFatalError);
    expect((outcome as { error: Error }).error.message).toBe(NOT_LINKED);
    expect(rig.wa.sockets.length).toBe(0);
    expect(rig.status()).toMatchObject({ linked: false, lastError: NOT_LINKED });
  });

  test("a QR during run means the creds are not a link: fatal, not a login", async () => {
    rig = await makeRig({ autoOpen: false });
    const outcome = rig.start();
    (await rig.wa.waitForSockets(1)).qr("2@abc");
    const result = await outcome;
    expect((result as { error: Error }).error.message).toBe(NOT_LINKED);
    expectClean(rig);
  });

  test("connected reports linked, self (E.164) and clears the error", async () => {
    const r = await connected();
    expect(r.status()).toMatchObject({ connected: true, linked: true, lastError: null, self: { id: "+15550001111", name: "Gateway" } });
  });

  test("stop ends the socket and resolves, leaving no listener, timer or lock", async () => {
    const r = await connected();
    await r.clock.advance(10_000);
    r.stop();
    expect(await r.start()).toEqual({ ok: true });
    expect(r.wa.current!.ended.length).toBe(1);
    expectClean(r);
  });

  test("a lock another process holds is fatal before any socket", async () => {
    rig = await makeRig({
      adapter: {
        lock: async () => {
          throw new ChannelFatalError("another gateway (pid 4242) is using WhatsApp account \"default\" from this state dir; stop it first");
        },
      },
    });
    const outcome = await rig.start();
    expect((outcome as { error: Error }).error.message).toMatch(/another gateway \(pid 4242\)/);
    expect(rig.wa.sockets.length).toBe(0);
  });

  test("losing the lock to another process (a takeover) stops the account fatally", async () => {
    const lost = new AbortController();
    rig = await makeRig({ adapter: { lock: async () => ({ lost: lost.signal, release: () => {} }) } });
    void rig.start();
    await rig.wa.waitForSockets(1);
    lost.abort(new ChannelFatalError("another gateway took WhatsApp account \"default\" over"));
    const outcome = await rig.start();
    expect((outcome as { error: Error }).error).toBeInstanceOf(ChannelFatalError);
    expect((outcome as { error: Error }).error.message).toMatch(/took WhatsApp account "default" over/);
  });

  test("logout unlinks on WhatsApp's side, then clears the local creds (the store backs them up)", async () => {
    const r = await connected();
    r.stop();
    await r.start();
    await r.adapter.logout();
    expect(r.wa.loggedOut).toBe(1);
    expect(r.auth.clears).toBe(1);
    expectClean(r);
  });

  test("logout when WhatsApp cannot be reached still clears the local creds, after the timeout", async () => {
    rig = await makeRig({ autoOpen: false, adapter: { logoutTimeoutMs: 10_000 } });
    const done = rig.adapter.logout();
    await rig.wa.waitForSockets(1);
    await rig.clock.advance(10_000);
    await done;
    expect(rig.wa.loggedOut).toBe(0);
    expect(rig.auth.clears).toBe(1);
    expectClean(rig);
  });
});

