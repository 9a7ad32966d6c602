/**
 * Importing an OpenClaw multi-file session (test/fixtures/whatsapp-multifile, written by
 * Baileys' own `useMultiFileAuthState`): after the import our auth state answers every key
 * exactly as Baileys' multi-file store does on the same folder, ids its file names garbled
 * included. Then the conflict rules (kept-ours, --force with a backup, unlinked ours), the
 * `creds.json.bak` fallback, a corrupt key file, and an account a running gateway holds.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BufferJSON, useMultiFileAuthState, type SignalDataTypeMap } from "@whiskeysockets/baileys";
import { acquireWhatsAppAuthLock, currentProcessIdentity } from "../../src/channels/whatsapp/auth-lock.ts";
import { openWhatsAppAuthState } from "../../src/channels/whatsapp/auth-state.ts";
import { importWhatsAppSessions } from "../../src/doctor/import-whatsapp.ts";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";

const FIXTURE = join(import.meta.dir, "..", "fixtures", "whatsapp-multifile");
const ME = "15550001111:7@s.whatsapp.net";

/** The real ids behind the fixture's files (see its generate.ts). */
const KEY_IDS: { [T in keyof SignalDataTypeMap]: string[] } = {
  "pre-key": ["1", "2", "3", "4", "5"],
  session: ["15550002222.0", "100000000000002_1.3"],
  "identity-key": ["15550002222.0"],
  "sender-key": ["120363000000000001@g.us::15550002222::0"],
  "sender-key-memory": ["120363000000000001@g.us", "15551234567-1600000000@g.us"],
  "app-state-sync-key": ["AAAAAB/x", "AAAAAC0Z"],
  "app-state-sync-version": ["regular_high"],
  "lid-mapping": ["15550002222", "100000000000002_reverse"],
  "device-list": ["15550002222"],
  tctoken: ["15550002222@s.whatsapp.net"],
};
const KEY_COUNT = Object.values(KEY_IDS).flat().length;

let dir: string;
let source: string;
let stateDir: string;
let db: Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-wa-import-"));
  source = join(dir, "reference");
  stateDir = join(dir, "state");
  await cp(FIXTURE, source, { recursive: true });
  db = openStore(stateDir);
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const session = (name = "default") => join(source, "credentials", "whatsapp", name);
const runImport = (force = false) => importWhatsAppSessions({ sourceDir: source, stateDir, db, force, now: () => Date.UTC(2026, 0, 1) });
const openOurs = () => openWhatsAppAuthState({ db, accountId: "default", stateDir });
const canonical = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);

test("an imported session answers every key as Baileys' multi-file store does, and keeps its link", async () => {
  expect(await runImport()).toEqual([
    { accountId: "default", status: "imported", keys: KEY_COUNT, linkedAs: ME, credsFromBackup: false, problems: [] },
  ]);
  const theirs = await useMultiFileAuthState(session());
  const ours = await openOurs();
  expect(ours.linked).toBe(true);
  expect(canonical(ours.state.creds)).toBe(canonical(theirs.state.creds));
  for (const [type, ids] of Object.entries(KEY_IDS) as [keyof SignalDataTypeMap, string[]][]) {
    const want = await theirs.state.keys.get(type, ids);
    expect(Object.values(want).every((value) => value !== null)).toBe(true);
    const got = await ours.state.keys.get(type, ids);
    expect(Object.fromEntries(ids.map((id) => [id, canonical(got[id])]))).toEqual(Object.fromEntries(ids.map((id) => [id, canonical(want[id])])));
  }
  // Reading moved the keys whose file names were not their ids under their real ids.
  const store = new WhatsAppAuthStore(db);
  expect(store.hasLegacyKeys("default")).toBe(false);
  expect(store.readKeys("default", "sender-key", KEY_IDS["sender-key"]).size).toBe(1);
  expect(Object.values(store.countKeys("default")).reduce((a, b) => a + b, 0)).toBe(KEY_COUNT);
});

test("an account linked here is kept; --force replaces it after backing ours up", async () => {
  const ours = await openOurs();
  ours.state.creds.me = { id: "15559999999:1@s.whatsapp.net" };
  await ours.saveCreds();
  const kept = await runImport();
  expect(kept).toMatchObject([{ accountId: "default", status: "kept-ours", keys: 0 }]);
  const store = new WhatsAppAuthStore(db);
  expect(store.linkedAs("default")).toBe("15559999999:1@s.whatsapp.net");

  const [forced] = await runImport(true);
  expect(forced).toMatchObject({ status: "imported", keys: KEY_COUNT, backup: join(stateDir, "credentials", "whatsapp", "default", "backup-2026-01-01T00-00-00-000Z.json") });
  expect(store.linkedAs("default")).toBe(ME);
  const backup = JSON.parse(await readFile(forced!.backup!, "utf8"));
  expect(backup.creds.me.id).toBe("15559999999:1@s.whatsapp.net");
});

test("creds of ours that never linked are replaced without --force", async () => {
  await openOurs();
  expect(await runImport()).toMatchObject([{ status: "imported", linkedAs: ME }]);
});

test("a truncated creds.json falls back to creds.json.bak; a corrupt key file is reported and skipped", async () => {
  const creds = await readFile(join(session(), "creds.json"), "utf8");
  await writeFile(join(session(), "creds.json.bak"), creds);
  await writeFile(join(session(), "creds.json"), creds.slice(0, 100));
  await writeFile(join(session(), "session-15550003333.0.json"), '{"type":"Buf');
  const [result] = await runImport();
  expect(result).toMatchObject({ status: "imported", keys: KEY_COUNT, credsFromBackup: true, linkedAs: ME });
  expect(result!.problems).toEqual(["creds.json: not valid JSON (truncated?)", "session-15550003333.0.json: not valid JSON (truncated?); not imported"]);
  expect((await openOurs()).state.creds.me?.id).toBe(ME);
});

test("a folder without usable creds is not imported", async () => {
  await writeFile(join(session(), "creds.json"), JSON.stringify({ me: { id: ME } }));
  const [result] = await runImport();
  expect(result).toMatchObject({ status: "skipped", keys: 0 });
  expect(result!.problems).toEqual(["creds.json: no noiseKey", "no usable creds.json (or creds.json.bak); nothing imported"]);
  expect(new WhatsAppAuthStore(db).readCreds("default")).toBeNull();
});

test("an account a running gateway holds is left alone", async () => {
  // Another process (pid 1 in another pid namespace) whose heartbeat keeps moving.
  const other = { ...currentProcessIdentity(), pid: 1, pidNs: "pid:[elsewhere]" };
  const lock = await acquireWhatsAppAuthLock({ db, accountId: "default", heartbeatMs: 30, identity: other });
  try {
    const [result] = await runImport();
    expect(result).toMatchObject({ status: "skipped" });
    expect(result!.problems).toEqual(['another gateway (pid 1) is using WhatsApp account "default" from this state dir; stop it first']);
    expect(new WhatsAppAuthStore(db).readCreds("default")).toBeNull();
  } finally {
    lock.release();
  }
});
