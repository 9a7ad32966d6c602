/**
 * Linking WhatsApp through a real gateway (port 0, temp home) whose login and account sockets
 * are the fake Baileys socket: `web.login.start`/`wait` over WebSocket RPC (rotating QRs,
 * the 515 restart handled inside, the account connected afterwards without any restart, a
 * pairing code, an expired attempt leaving no creds), and `openclaw channels login` as a real
 * CLI process against that gateway. (A gateway *process* cannot be given a fake socket without
 * a test-only switch in the binary, so the CLI talks to an in-process gateway instead.)
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { systemClock } from "../../src/channels/whatsapp/clock.ts";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { closeWhatsappStores } from "../../src/channels/whatsapp/store-handle.ts";
import { STORE_FILE } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { FakeWhatsApp, SELF_USER, type FakeWaSocket } from "../fakes/whatsapp-socket.ts";
import { cliEnv } from "../helpers/cli.ts";
import { Condition, eventually } from "../helpers/condition.ts";
import { makeTempHome, startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, type TestClient } from "../helpers/ws-client.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  closeWhatsappStores();
});

/** A gateway with a configured WhatsApp account, the login's fake and the account's fake. */
async function linkRig() {
  const login = new FakeWhatsApp(systemClock, { autoOpen: false });
  const account = new FakeWhatsApp(systemClock, { autoOpen: true });
  const gw: TestGateway = await startTestGateway({
    config: { channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } } },
    channels: { factories: [createWhatsAppFactory({ socketFactory: account.factory })], whatsappLoginSocket: login.factory },
  });
  stops.push(() => gw.stop());
  const { client } = await connectClient(gw.url);
  stops.push(() => client.close());
  return { gw, client, login, account };
}

async function ok(client: TestClient, id: string): Promise<Record<string, any>> {
  const res = await client.response(id, 10_000);
  if (!res.ok) throw new Error(`expected ok, got ${JSON.stringify(res.error)}`);
  return res.payload;
}

const call = (client: TestClient, method: string, params: unknown) => ok(client, client.request(method, params));

/** A QR login started over RPC, showing its first QR, and a `web.login.wait` for what comes next. */
async function waitingOnFirstQr(client: TestClient, login: FakeWhatsApp) {
  const startId = client.request("web.login.start", {});
  const first = await login.waitForSockets(1);
  first.qr("2@ref-one");
  const started = await ok(client, startId);
  const waitId = client.request("web.login.wait", { sessionKey: started.sessionKey, afterVersion: started.version });
  return { first, started, waitId };
}

/** What the phone's scan does: creds gain `me`, `isNewLogin`, then WhatsApp's 515. */
function pairAndRestart(socket: FakeWaSocket): void {
  socket.credsUpdate({ me: { id: SELF_USER.id, name: "~" } });
  socket.ev.emit("connection.update", { isNewLogin: true });
  socket.close(515, "Stream Errored (restart required)");
}

function whatsappAccount(status: Record<string, any>) {
  return status.channelAccounts.whatsapp?.find((a: { accountId: string }) => a.accountId === "default");
}

function storedCreds(gw: TestGateway): string | null {
  const db = new Database(join(gw.stateDir, STORE_FILE), { readonly: true });
  try {
    return new WhatsAppAuthStore(db).readCreds("default");
  } finally {
    db.close();
  }
}

describe("web.login over RPC", () => {
  test("qr → rotated qr → 515 → open: linked, and the account connects with no restart", async () => {
    const { client, login, account } = await linkRig();
    expect(whatsappAccount(await call(client, "channels.status", {}))).toMatchObject({ linked: false, running: false, stoppedReason: expect.stringContaining("not linked") });

    const startId = client.request("web.login.start", {});
    const first = await login.waitForSockets(1);
    first.qr("2@ref-one,noise,identity,adv,1");
    const started = await ok(client, startId);
    expect(started).toMatchObject({ channel: "whatsapp", accountId: "default", status: "qr", connected: false, mode: "qr", qr: "2@ref-one,noise,identity,adv,1", qrCount: 1 });
    expect(started.sessionKey).toEqual(expect.any(String));
    expect(started.qrDataUrl).toStartWith("data:image/png;base64,");
    expect(started.message).toContain("Linked devices");

    // A second start (another client, the UI) gets the same attempt.
    const again = await call(client, "web.login.start", { channel: "whatsapp" });
    expect(again).toMatchObject({ sessionKey: started.sessionKey, reused: true, qrCount: 1 });

    const waitId = client.request("web.login.wait", { sessionKey: started.sessionKey, afterVersion: started.version });
    first.qr("2@ref-two,noise,identity,adv,1");
    const rotated = await ok(client, waitId);
    expect(rotated).toMatchObject({ status: "qr", qr: "2@ref-two,noise,identity,adv,1", qrCount: 2 });
    expect(rotated.qrDataUrl).not.toBe(started.qrDataUrl);
    // The reference's way of asking: a client still showing the first QR gets the new one at once.
    expect(await call(client, "web.login.wait", { currentQrDataUrl: started.qrDataUrl })).toMatchObject({ qr: "2@ref-two,noise,identity,adv,1" });

    const linkedId = client.request("web.login.wait", { sessionKey: started.sessionKey, afterVersion: rotated.version, timeoutMs: 10_000 });
    pairAndRestart(first);
    const second = await login.waitForSockets(2);
    second.open();
    let linked = await ok(client, linkedId);
    while (linked.status === "pairing") linked = await call(client, "web.login.wait", { sessionKey: started.sessionKey, afterVersion: linked.version });
    expect(linked).toMatchObject({ status: "linked", connected: true, phone: "+15550001111", message: "Linked as +15550001111; the account is starting" });
    expect(linked).not.toHaveProperty("qr");
    expect(second.ended).toEqual([undefined]);

    // The channel starts on the creds just saved: no gateway restart, no second login.
    await account.waitForSockets(1);
    const connected = await eventually("the WhatsApp account to connect", async () => {
      const a = whatsappAccount(await call(client, "channels.status", {}));
      return a?.connected ? a : undefined;
    });
    expect(connected).toMatchObject({ linked: true, running: true, stoppedReason: null });
    expect(account.sockets[0]!.options.auth.creds.me?.id).toBe(SELF_USER.id);
    expect(login.sockets).toHaveLength(2);

    // Linked now: a plain start says so instead of opening a socket.
    expect(await call(client, "web.login.start", {})).toEqual({
      channel: "whatsapp",
      accountId: "default",
      status: "linked",
      connected: true,
      phone: "+15550001111",
      message: "WhatsApp account default is already linked as +15550001111; start again with force to link it anew",
    });
  });

  test("an attempt whose QRs run out ends as timeout and leaves no creds; the account stays unlinked", async () => {
    const { gw, client, login, account } = await linkRig();
    const { first, waitId } = await waitingOnFirstQr(client, login);
    first.close(408, "QR refs attempts ended");
    expect(await ok(client, waitId)).toMatchObject({
      status: "timeout",
      connected: false,
      error: "nobody scanned the QR code before WhatsApp stopped offering new ones (408: QR refs attempts ended)",
    });
    expect(storedCreds(gw)).toBeNull();
    expect(account.sockets).toHaveLength(0);
    expect(whatsappAccount(await call(client, "channels.status", {}))).toMatchObject({ linked: false });
  });

  test("web.login.cancel ends a running attempt at once, leaves no creds, and answers the same for an ended one", async () => {
    const { gw, client, login, account } = await linkRig();
    const { first, started, waitId } = await waitingOnFirstQr(client, login);
    const cancelled = await call(client, "web.login.cancel", { sessionKey: started.sessionKey });
    expect(cancelled).toMatchObject({ status: "failed", connected: false, error: "cancelled: stopped by the user; nothing was linked" });
    // A waiting client learns it too, and the login's socket is closed.
    expect(await ok(client, waitId)).toMatchObject({ status: "failed" });
    expect(first.ended.length).toBe(1);
    expect(await call(client, "web.login.cancel", { sessionKey: started.sessionKey })).toMatchObject({ status: "failed", version: cancelled.version });
    expect(storedCreds(gw)).toBeNull();
    expect(account.sockets).toHaveLength(0);
    // A new attempt may start right away: nothing is left running.
    const again = client.request("web.login.start", {});
    (await login.waitForSockets(2)).qr("2@ref-two");
    expect(await ok(client, again)).toMatchObject({ status: "qr", reused: false });
    const unknown = await client.response(client.request("web.login.cancel", { sessionKey: "no-such-session" }), 10_000);
    expect(unknown.error?.message).toContain("no login found for session no-such-session");
  });

  test("a pairing code for an E.164 number; bad numbers, other channels and read-only callers are refused", async () => {
    const { gw, client, login } = await linkRig();
    const startId = client.request("web.login.start", { pairingCode: { phone: "+1 (555) 123-4567" } });
    const first = await login.waitForSockets(1);
    const asked: string[] = [];
    first.requestPairingCode = async (phone: string) => {
      asked.push(phone);
      return "ABCD1234";
    };
    first.qr("2@ref-one");
    expect(await ok(client, startId)).toMatchObject({ status: "code", mode: "pairing-code", code: "ABCD1234", message: expect.stringContaining("Link with phone number") });
    expect(asked).toEqual(["15551234567"]);

    const bad = await client.rpc("web.login.start", { accountId: "work", pairingCode: { phone: "12" } });
    expect(bad.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining("use E.164"), details: { reason: "invalid_phone" } });
    const busy = await client.rpc("web.login.start", {});
    expect(busy.error).toMatchObject({ code: "INVALID_REQUEST", details: { reason: "busy" } });
    const telegram = await client.rpc("web.login.start", { channel: "telegram" });
    expect(telegram.error).toMatchObject({ code: "INVALID_REQUEST", message: "web login is not supported by channel telegram: only whatsapp links this way" });
    const none = await client.rpc("web.login.wait", { accountId: "nobody" });
    expect(none.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining("no login found for WhatsApp account nobody") });

    const { client: reader } = await connectClient(gw.url, { scopes: ["operator.read"] });
    stops.push(() => reader.close());
    const forbidden = await reader.rpc("web.login.wait", {});
    expect(forbidden.error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
  });
});

/** The CLI as a child process, its stdout readable while it runs. */
function spawnCli(args: string[], home: string) {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { env: cliEnv(home), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  stops.push(() => void proc.kill("SIGKILL"));
  let stdout = "";
  const grew = new Condition();
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
      grew.wake();
    }
  })();
  return {
    kill: (signal: NodeJS.Signals) => proc.kill(signal),
    output: () => stdout,
    waitForOutput: (text: string) => grew.waitFor(`CLI output ${JSON.stringify(text)}`, () => (stdout.includes(text) ? true : undefined), 10_000, () => `; so far:\n${stdout}`),
    async exited() {
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text(), reading]);
      return { code, stdout, stderr };
    },
  };
}

describe("openclaw channels login --channel whatsapp", () => {
  test("draws each QR, finishes the 515 inside the gateway, exits 0 linked", async () => {
    const { gw, login } = await linkRig();
    const home = await makeTempHome();
    stops.push(async () => void (await import("node:fs/promises")).rm(home, { recursive: true, force: true }));
    const cli = spawnCli(["channels", "login", "--channel", "whatsapp", "--url", gw.url, "--token", TEST_TOKEN], home);
    const first = await login.waitForSockets(1);
    first.qr("2@ref-one,noise,identity,adv,1");
    await cli.waitForOutput("(QR 1;");
    first.qr("2@ref-two,noise,identity,adv,1");
    await cli.waitForOutput("(QR 2;");
    pairAndRestart(first);
    (await login.waitForSockets(2)).open();
    const result = await cli.exited();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Each QR as qrcode-terminal draws it (small mode), under the instructions.
    const qrcode = ((await import("qrcode-terminal" as string)) as { default: { generate(t: string, o: object, cb: (s: string) => void): void } }).default;
    for (const qr of ["2@ref-one,noise,identity,adv,1", "2@ref-two,noise,identity,adv,1"]) {
      let drawing = "";
      qrcode.generate(qr, { small: true }, (text) => (drawing = text));
      expect(result.stdout).toContain(drawing);
    }
    expect(result.stdout).toContain("Scan this QR code with WhatsApp on the phone: Settings → Linked devices → Link a device");
    expect(result.stdout).toEndWith("Linked as +15550001111; the account is starting\nCheck it with: openclaw channels status --channel whatsapp\n");
  });

  test("Ctrl-C cancels the attempt in the gateway and exits 130; nothing is linked", async () => {
    const { gw, client, login } = await linkRig();
    const home = await makeTempHome();
    stops.push(async () => void (await import("node:fs/promises")).rm(home, { recursive: true, force: true }));
    const cli = spawnCli(["channels", "login", "--channel", "whatsapp", "--url", gw.url, "--token", TEST_TOKEN], home);
    const first = await login.waitForSockets(1);
    first.qr("2@ref-one,noise,identity,adv,1");
    await cli.waitForOutput("(QR 1;");
    cli.kill("SIGINT");
    const result = await cli.exited();
    expect(result).toMatchObject({ code: 130, stderr: "error: login cancelled: nothing was linked\n" });
    expect(await call(client, "web.login.wait", {})).toMatchObject({ status: "failed", error: "cancelled: stopped by the user; nothing was linked" });
    expect(first.ended.length).toBe(1);
    expect(storedCreds(gw)).toBeNull();
  });

  test("--pairing-code --phone prints the code and where to type it; an expired attempt exits 1 with the reason", async () => {
    const { gw, login } = await linkRig();
    const home = await makeTempHome();
    stops.push(async () => void (await import("node:fs/promises")).rm(home, { recursive: true, force: true }));
    const cli = spawnCli(["channels", "login", "--channel", "whatsapp", "--pairing-code", "--phone", "+15551234567", "--url", gw.url, "--token", TEST_TOKEN], home);
    const first = await login.waitForSockets(1);
    first.qr("2@ref-one");
    await cli.waitForOutput("Pairing code: ABCD-1234\n");
    expect(cli.output()).toContain("On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then enter the code.");
    first.close(408, "QR refs attempts ended");
    const result = await cli.exited();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: WhatsApp login timed out: the pairing code was not entered before WhatsApp stopped offering new ones (408: QR refs attempts ended)\n");
    expect(storedCreds(gw)).toBeNull();
  });
});
