/**
 * openWhatsAppAuthState over a real store file: fresh creds, creds and key round trips (every
 * key type, Buffers intact), a `set` that fails part-way leaves nothing, Baileys' own
 * transaction commits through it, pre-key collection, and clear() with its 0600 backup.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addTransactionCapability, BufferJSON, Curve, proto, type SignalDataSet } from "@whiskeysockets/baileys";
import { openWhatsAppAuthState, type AuthStateLogger, type OpenWhatsAppAuthStateOptions } from "../../src/channels/whatsapp/auth-state.ts";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-wa-auth-"));
  db = openStore(dir);
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const T = 1_700_000_000_000;
const open = (overrides: Partial<OpenWhatsAppAuthStateOptions> = {}) => openWhatsAppAuthState({ db, accountId: "default", stateDir: dir, now: () => T, ...overrides });
const reopen = () => {
  db.close();
  db = openStore(dir);
  return open();
};

const quiet: AuthStateLogger = { level: "silent", child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A value of every key type, shaped as Baileys stores them. */
function everyType(): SignalDataSet {
  return {
    "pre-key": { "1": Curve.generateKeyPair() },
    session: { "15550002222.0": Buffer.from("session record") },
    "sender-key": { "120363000000000001@g.us::15550002222::0": Buffer.from("sender key") },
    "sender-key-memory": { "120363000000000001@g.us": { "15550002222:0@s.whatsapp.net": true } },
    "app-state-sync-key": { "AAAAAB/x": proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from([1, 2, 3]), fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0] }, timestamp: 5 }) },
    "app-state-sync-version": { regular_high: { version: 3, hash: Buffer.alloc(128, 7), indexValueMap: { "aW5kZXg=": { valueMac: Buffer.alloc(32, 9) } } } },
    "lid-mapping": { "15550002222": "100000000000002" },
    "device-list": { "15550002222": ["0", "3"] },
    tctoken: { "15550002222@s.whatsapp.net": { token: Buffer.from("tc"), timestamp: "1700000000" } },
    "identity-key": { "15550002222.0": Buffer.alloc(33, 5) },
  };
}

test("a fresh account gets new creds (not linked), stored at once, so a restart keeps the same noise key", async () => {
  const first = await open();
  expect(first.linked).toBe(false);
  expect(Buffer.isBuffer(first.state.creds.noiseKey.private)).toBe(true);
  // Baileys draws it from one random byte, so 0 is a legal value.
  expect(first.state.creds.registrationId).toBeWithin(0, 16384);
  const again = await reopen();
  expect(again.state.creds.noiseKey.public).toEqual(first.state.creds.noiseKey.public);
  expect(again.state.creds.advSecretKey).toBe(first.state.creds.advSecretKey);
});

test("saveCreds commits what Baileys mutated, Buffers included", async () => {
  const auth = await open();
  Object.assign(auth.state.creds, {
    me: { id: "15550001111:7@s.whatsapp.net", lid: "100000000000001:7@lid", name: "Me" },
    account: { details: Buffer.from("details"), accountSignatureKey: Buffer.alloc(32, 1), accountSignature: Buffer.alloc(64, 2), deviceSignature: Buffer.alloc(64, 3) },
  });
  await auth.saveCreds();
  const again = await reopen();
  expect(again.linked).toBe(true);
  expect(again.state.creds).toEqual(auth.state.creds);
  expect(Buffer.isBuffer(again.state.creds.account!.details)).toBe(true);
});

test("keys of every type round-trip; missing ids are left out; null deletes", async () => {
  const auth = await open();
  const data = everyType();
  await auth.state.keys.set(data);
  const again = await reopen();
  for (const [type, entries] of Object.entries(data)) {
    const ids = Object.keys(entries!);
    const got = await again.state.keys.get(type as keyof SignalDataSet, [...ids, "missing"]);
    expect(Object.keys(got)).toEqual(ids);
    if (type === "app-state-sync-key") {
      const key = got["AAAAAB/x"] as proto.Message.IAppStateSyncKeyData;
      expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
      expect(Buffer.from(key.keyData!)).toEqual(Buffer.from([1, 2, 3]));
    } else {
      expect(JSON.stringify(got, BufferJSON.replacer)).toBe(JSON.stringify(entries, BufferJSON.replacer));
    }
  }
  await again.state.keys.set({ session: { "15550002222.0": null }, "pre-key": { "1": null } });
  const store = new WhatsAppAuthStore(db);
  expect(store.readKeys("default", "session", ["15550002222.0"]).size).toBe(0);
  expect(store.readKeys("default", "pre-key", ["1"]).size).toBe(0);
});

test("a set that fails part-way writes none of its keys", async () => {
  const auth = await open();
  await auth.state.keys.set({ session: { kept: Buffer.from("before") } });
  // The third row of the batch fails inside the transaction, after two have been written.
  db.run("CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON whatsapp_keys WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
  const batch = { session: { kept: Buffer.from("after"), a: Buffer.from("a"), boom: Buffer.from("x"), b: Buffer.from("b") } };
  await expect(auth.state.keys.set(batch)).rejects.toThrow("disk says no");
  const rows = new WhatsAppAuthStore(db).readKeys("default", "session", ["kept", "a", "boom", "b"]);
  expect([...rows.keys()]).toEqual(["kept"]);
  expect(JSON.parse(rows.get("kept")!, BufferJSON.reviver)).toEqual(Buffer.from("before"));
  // The key cache does not keep serving the batch that never landed.
  expect(await auth.state.keys.get("session", ["kept", "a", "b"])).toEqual({ kept: Buffer.from("before") });
});

test("Baileys' transaction layer commits all of a transaction's changes in one set, or none", async () => {
  const auth = await open();
  const keys = addTransactionCapability(auth.state.keys, quiet, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  await keys.transaction(async () => {
    await keys.set({ session: { s1: Buffer.from("1") } });
    await keys.set({ "sender-key-memory": { g1: { u: true } }, session: { s2: Buffer.from("2") } });
  }, "tx");
  const store = new WhatsAppAuthStore(db);
  expect(store.countKeys("default")).toEqual({ "sender-key-memory": 1, session: 2 });

  db.run("CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON whatsapp_keys WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
  const failed = keys.transaction(async () => {
    await keys.set({ session: { s3: Buffer.from("3") } });
    await keys.set({ "device-list": { boom: ["0"] } });
  }, "tx");
  await expect(failed).rejects.toThrow("disk says no");
  expect(store.countKeys("default")).toEqual({ "sender-key-memory": 1, session: 2 });
});

test("gcPreKeys keeps the newest uploaded pre-keys and every one not yet uploaded", async () => {
  const auth = await open();
  const preKeys = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [String(i + 1), Curve.generateKeyPair()]));
  await auth.state.keys.set({ "pre-key": preKeys });
  auth.state.creds.firstUnuploadedPreKeyId = 31;
  auth.state.creds.nextPreKeyId = 36;
  expect(auth.gcPreKeys({ keep: 10 })).toBe(20);
  const left = new WhatsAppAuthStore(db).readKeys("default", "pre-key", Object.keys(preKeys));
  expect([...left.keys()].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 21));
  expect(auth.gcPreKeys({ keep: 10 })).toBe(0);
});

test("saveCreds collects old pre-keys when Baileys has uploaded more", async () => {
  const auth = await open({ preKeysKept: 3 });
  await auth.state.keys.set({ "pre-key": Object.fromEntries([1, 2, 3, 4, 5, 6].map((id) => [String(id), Curve.generateKeyPair()])) });
  await auth.saveCreds();
  expect(new WhatsAppAuthStore(db).countKeys("default")["pre-key"]).toBe(6);
  // What getNextPreKeys reports after an upload of 6.
  Object.assign(auth.state.creds, { nextPreKeyId: 7, firstUnuploadedPreKeyId: 7 });
  await auth.saveCreds();
  const left = new WhatsAppAuthStore(db).readKeys("default", "pre-key", ["1", "2", "3", "4", "5", "6"]);
  expect([...left.keys()].sort()).toEqual(["4", "5", "6"]);
});

test("a pile of old pre-keys is collected on the first saveCreds after opening, not by the open itself", async () => {
  const auth = await open();
  await auth.state.keys.set({ "pre-key": Object.fromEntries(Array.from({ length: 30 }, (_, i) => [String(i + 1), Curve.generateKeyPair()])) });
  Object.assign(auth.state.creds, { nextPreKeyId: 31, firstUnuploadedPreKeyId: 31 });
  await auth.saveCreds();
  const again = await (async () => {
    db.close();
    db = openStore(dir);
    return open({ preKeysKept: 10 });
  })();
  const store = new WhatsAppAuthStore(db);
  expect(store.countKeys("default")["pre-key"]).toBe(30);
  await again.saveCreds();
  expect(store.countKeys("default")["pre-key"]).toBe(10);
});

test("keys imported under a multi-file name are found by their real id and moved under it", async () => {
  const store = new WhatsAppAuthStore(db);
  const creds = (await open()).state.creds;
  const value = JSON.stringify(Buffer.from("sender key"), BufferJSON.replacer);
  store.replaceAuth("default", {
    creds: JSON.stringify(creds, BufferJSON.replacer),
    keys: [],
    legacyKeys: [{ type: "sender-key", id: "120363000000000001@g.us--15550002222--0", value }],
    now: T,
  });
  const auth = await open();
  const id = "120363000000000001@g.us::15550002222::0";
  expect(await auth.state.keys.get("sender-key", [id])).toEqual({ [id]: Buffer.from("sender key") });
  expect(store.readKeys("default", "sender-key", [id]).get(id)).toBe(value);
  expect(store.hasLegacyKeys("default")).toBe(false);
});

test("clear() backs creds and keys up (0600) before deleting them; later writes are ignored", async () => {
  const auth = await open({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6) });
  auth.state.creds.me = { id: "15550001111:7@s.whatsapp.net" };
  await auth.saveCreds();
  await auth.state.keys.set(everyType());
  const { backup } = await auth.clear();
  expect(backup).toBe(join(dir, "credentials", "whatsapp", "default", "backup-2026-01-02T03-04-05-006Z.json"));
  expect((await stat(backup!)).mode & 0o777).toBe(0o600);
  expect((await stat(join(dir, "credentials", "whatsapp", "default"))).mode & 0o777).toBe(0o700);
  const saved = JSON.parse(await readFile(backup!, "utf8"));
  expect(saved.creds.me.id).toBe("15550001111:7@s.whatsapp.net");
  expect(JSON.parse(JSON.stringify(saved.creds), BufferJSON.reviver).noiseKey.private).toEqual(auth.state.creds.noiseKey.private);
  expect(Object.keys(saved.keys).sort()).toEqual(Object.keys(everyType()).sort());

  const store = new WhatsAppAuthStore(db);
  expect(store.countKeys("default")).toEqual({});
  // A socket winding down after the logout must not bring the old link back.
  await auth.saveCreds();
  await auth.state.keys.set({ session: { late: Buffer.from("x") } });
  expect(store.readCreds("default")).toBeNull();
  expect(store.countKeys("default")).toEqual({});
  const next = await open();
  expect(next.linked).toBe(false);
  expect(next.state.creds.noiseKey.public).not.toEqual(auth.state.creds.noiseKey.public);

  // A second clear in the same millisecond gets its own file.
  const other = await open({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6) });
  expect((await other.clear()).backup).toBe(join(dir, "credentials", "whatsapp", "default", "backup-2026-01-02T03-04-05-006Z-1.json"));
  expect((await readdir(join(dir, "credentials", "whatsapp", "default"))).length).toBe(2);
});

test("accounts are kept apart, and an account id must be a plain name for its backup dir", async () => {
  const a = await open({ accountId: "a" });
  const b = await open({ accountId: "b" });
  await a.state.keys.set({ session: { same: Buffer.from("a") } });
  await b.state.keys.set({ session: { same: Buffer.from("b") } });
  expect(await a.state.keys.get("session", ["same"])).toEqual({ same: Buffer.from("a") });
  await b.clear();
  expect(await a.state.keys.get("session", ["same"])).toEqual({ same: Buffer.from("a") });
  const bad = await open({ accountId: "../escape" });
  await expect(bad.clear()).rejects.toThrow('"../escape" cannot be a WhatsApp account id');
});
