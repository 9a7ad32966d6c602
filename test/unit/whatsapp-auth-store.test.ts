/**
 * The WhatsApp tables' accessors below the auth state: batched key reads, the account export
 * and delete (the LID map survives a logout), sent messages for retries, and the LID map.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { WhatsAppMessageStore } from "../../src/store/whatsapp-messages.ts";

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-wa-store-"));
  db = openStore(dir);
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

test("keys are read in one batch, and the export holds what the delete removes", () => {
  const auth = new WhatsAppAuthStore(db);
  const messages = new WhatsAppMessageStore(db);
  auth.writeCreds("a", '{"me":{"id":"1@s.whatsapp.net"}}', 1);
  const many = Array.from({ length: 2000 }, (_, i) => ({ type: "pre-key", id: String(i), value: `"${i}"` }));
  auth.applyKeyChanges("a", many);
  auth.applyKeyChanges("b", [{ type: "pre-key", id: "1", value: '"other account"' }]);
  const ids = many.map((key) => key.id);
  expect(auth.readKeys("a", "pre-key", [...ids, "nope"]).size).toBe(2000);
  expect(auth.readKeys("a", "pre-key", ["1"]).get("1")).toBe('"1"');
  expect(auth.linkedAs("a")).toBe("1@s.whatsapp.net");

  messages.saveMessage("a", { remoteJid: "2@s.whatsapp.net", id: "M1", message: '{"conversation":"hi"}', ts: 10 });
  messages.saveLidMapping("a", { lid: "9@lid", pn: "2@s.whatsapp.net" }, 10);
  const exported = auth.exportAccount("a");
  expect(exported.creds).toBe('{"me":{"id":"1@s.whatsapp.net"}}');
  expect(exported.keys.length).toBe(2000);
  auth.deleteAuth("a");
  expect(auth.exportAccount("a")).toEqual({ creds: null, keys: [], legacyKeys: [] });
  expect(messages.readMessage("a", "2@s.whatsapp.net", "M1")).toBeNull();
  expect(messages.pnForLid("a", "9@lid")).toBe("2@s.whatsapp.net");
  expect(auth.readKeys("b", "pre-key", ["1"]).get("1")).toBe('"other account"');
});

test("creds that are not valid JSON never count as linked", () => {
  const auth = new WhatsAppAuthStore(db);
  auth.writeCreds("a", "{not json", 1);
  expect(auth.linkedAs("a")).toBeNull();
  auth.writeCreds("a", '{"me":{}}', 2);
  expect(auth.linkedAs("a")).toBeNull();
});

test("sent messages are kept for retries and pruned by age", () => {
  const messages = new WhatsAppMessageStore(db);
  messages.saveMessage("a", { remoteJid: "2@s.whatsapp.net", id: "old", message: '"old"', ts: 100 });
  messages.saveMessage("a", { remoteJid: "2@s.whatsapp.net", id: "new", message: '"new"', ts: 200 });
  messages.saveMessage("a", { remoteJid: "2@s.whatsapp.net", id: "new", message: '"edited"', ts: 201 });
  expect(messages.readMessage("a", "2@s.whatsapp.net", "new")).toBe('"edited"');
  expect(messages.pruneMessages("a", 150)).toBe(1);
  expect(messages.readMessage("a", "2@s.whatsapp.net", "old")).toBeNull();
});

test("the LID map answers both ways; the newest LID of a number wins", () => {
  const messages = new WhatsAppMessageStore(db);
  messages.saveLidMapping("a", { lid: "8@lid", pn: "2@s.whatsapp.net" }, 1);
  messages.saveLidMapping("a", { lid: "9@lid", pn: "2@s.whatsapp.net" }, 2);
  expect(messages.pnForLid("a", "8@lid")).toBe("2@s.whatsapp.net");
  expect(messages.lidForPn("a", "2@s.whatsapp.net")).toBe("9@lid");
  expect(messages.lidForPn("b", "2@s.whatsapp.net")).toBeNull();
});
