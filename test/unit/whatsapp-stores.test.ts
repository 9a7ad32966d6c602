/**
 * The adapter's stores over the gateway's sqlite tables: a sent message comes back intact for
 * Baileys' `getMessage` (bytes and longs included), and the LID map survives a new adapter.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { proto } from "@whiskeysockets/baileys";
import { Identities } from "../../src/channels/whatsapp/identities.ts";
import { protoMessageCodec, SqliteLidMap, SqliteSentMessages } from "../../src/channels/whatsapp/store-bridge.ts";
import { wasSentByUs } from "../../src/channels/whatsapp/stores.ts";
import { closeWhatsappStores, whatsappStore } from "../../src/channels/whatsapp/store-handle.ts";
import { WhatsAppMessageStore } from "../../src/store/whatsapp-messages.ts";

let stateDir: string;
afterEach(async () => {
  closeWhatsappStores();
  await rm(stateDir, { recursive: true, force: true });
});

describe("sqlite stores", () => {
  test("a sent media message round-trips for getMessage; other accounts do not see it", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "openclaw-wa-store-"));
    const messages = new WhatsAppMessageStore(whatsappStore(stateDir));
    const sent = new SqliteSentMessages(messages, "default", protoMessageCodec(proto));
    const message = proto.Message.fromObject({ imageMessage: { url: "https://mmg.whatsapp.net/x", mediaKey: new Uint8Array([1, 2, 250]), fileLength: 123456789, caption: "cat" } });
    sent.remember({ chatJid: "15552220000@s.whatsapp.net", id: "3EB0AAA", message, sentAt: 1000 });
    const back = sent.find("15552220000@s.whatsapp.net", "3EB0AAA")!;
    expect([...back.imageMessage!.mediaKey!]).toEqual([1, 2, 250]);
    expect(Number(back.imageMessage!.fileLength)).toBe(123456789);
    expect(back.imageMessage!.caption).toBe("cat");
    expect(sent.find("15552220000@s.whatsapp.net", "other")).toBeUndefined();
    expect(new SqliteSentMessages(messages, "work", protoMessageCodec(proto)).find("15552220000@s.whatsapp.net", "3EB0AAA")).toBeUndefined();
    // After a restart (a new store object), an echo is still recognised through the table.
    const later = new SqliteSentMessages(messages, "default", protoMessageCodec(proto));
    expect(later.sentRecently("3EB0AAA")).toBe(false);
    expect(wasSentByUs(later, "3EB0AAA", ["15552220000@lid", "15552220000@s.whatsapp.net"])).toBe(true);
    expect(later.prune!(2000)).toBe(1);
  });

  test("the LID map persists for the next adapter of the account", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "openclaw-wa-store-"));
    const messages = new WhatsAppMessageStore(whatsappStore(stateDir));
    new Identities(new SqliteLidMap(messages, "default")).learn("777:3@lid", "15557770000:3@s.whatsapp.net");
    closeWhatsappStores();
    const reopened = new Identities(new SqliteLidMap(new WhatsAppMessageStore(whatsappStore(stateDir)), "default"));
    expect(reopened.personId("777@lid")).toBe("+15557770000");
  });
});
