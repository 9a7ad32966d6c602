/** The JID normaliser and the identities built on it (user-needs B7). */
import { describe, expect, test } from "bun:test";
import { normalizeWhatsAppIds, parseWhatsAppAccess } from "../../src/channels/whatsapp/access.ts";
import { Identities, selfOf } from "../../src/channels/whatsapp/identities.ts";
import { chatJidOf, e164OfJid, isBroadcastJid, normalizeE164, normalizeJid, parseJid } from "../../src/channels/whatsapp/jid.ts";
import { MemoryLidMap } from "../../src/channels/whatsapp/stores.ts";

describe("normalizeJid", () => {
  const cases: [string | undefined, string | null][] = [
    ["15551234567@s.whatsapp.net", "15551234567@s.whatsapp.net"],
    ["15551234567:12@s.whatsapp.net", "15551234567@s.whatsapp.net"],
    ["15551234567_1:3@s.whatsapp.net", "15551234567@s.whatsapp.net"],
    ["15551234567@c.us", "15551234567@s.whatsapp.net"],
    ["15551234567@S.WHATSAPP.NET", "15551234567@s.whatsapp.net"],
    ["123456789012345:4@lid", "123456789012345@lid"],
    ["120363012345678901@g.us", "120363012345678901@g.us"],
    ["status@broadcast", "status@broadcast"],
    ["no-at-sign", null],
    ["@s.whatsapp.net", null],
    [undefined, null],
  ];
  for (const [input, expected] of cases) test(String(input), () => expect(normalizeJid(input)).toBe(expected));

  test("parts", () => {
    expect(parseJid("1555:12@s.whatsapp.net")).toEqual({ user: "1555", server: "s.whatsapp.net", device: 12 });
  });
});

describe("E.164", () => {
  const cases: [string, string | null][] = [
    ["+15551234567", "+15551234567"],
    ["15551234567", "+15551234567"],
    ["+1 (555) 123-4567", "+15551234567"],
    ["whatsapp:+15551234567", "+15551234567"],
    ["15551234567:3@s.whatsapp.net", "+15551234567"],
    ["123@lid", null],
    ["alice", null],
    ["+12", null],
  ];
  for (const [input, expected] of cases) test(input, () => expect(normalizeE164(input)).toBe(expected));

  test("only phone JIDs have one", () => {
    expect(e164OfJid("15551234567:2@s.whatsapp.net")).toBe("+15551234567");
    expect(e164OfJid("15551234567@lid")).toBeNull();
    expect(e164OfJid("120363@g.us")).toBeNull();
  });
});

describe("chatJidOf (outbound `to`)", () => {
  test("E.164, JIDs with devices, groups, LIDs; broadcast and junk refused", () => {
    expect(chatJidOf("+1 555 123 4567")).toBe("15551234567@s.whatsapp.net");
    expect(chatJidOf("15551234567:9@s.whatsapp.net")).toBe("15551234567@s.whatsapp.net");
    expect(chatJidOf("120363012345678901@g.us")).toBe("120363012345678901@g.us");
    expect(chatJidOf("42:1@lid")).toBe("42@lid");
    expect(chatJidOf("status@broadcast")).toBeNull();
    expect(chatJidOf("1234@newsletter")).toBeNull();
    expect(chatJidOf("hello")).toBeNull();
    expect(isBroadcastJid("status@broadcast")).toBe(true);
  });
});

describe("Identities", () => {
  test("a LID is one person with its phone number once learnt, whatever the device suffix", () => {
    const ids = new Identities(new MemoryLidMap());
    expect(ids.personId("777:3@lid")).toBe("777@lid");
    ids.learn("777:3@lid", "15557770000:3@s.whatsapp.net");
    expect(ids.personId("777@lid")).toBe("+15557770000");
    expect(ids.same("777:9@lid", "15557770000@s.whatsapp.net")).toBe(true);
    // Pairs the wrong way round or of the wrong kinds are not learnt.
    ids.learn("15550000000@s.whatsapp.net", "888@lid");
    expect(ids.personId("888@lid")).toBe("888@lid");
  });

  test("self from sock.user: phone and LID, both matched with any device", () => {
    const ids = new Identities(new MemoryLidMap());
    const self = selfOf({ id: "15550001111:7@s.whatsapp.net", lid: "9000:7@lid", name: "Me" });
    expect(self).toEqual({ pn: "15550001111@s.whatsapp.net", lid: "9000@lid", name: "Me" });
    expect(ids.isSelf("15550001111:2@s.whatsapp.net", self)).toBe(true);
    expect(ids.isSelf("9000:12@lid", self)).toBe(true);
    expect(ids.isSelf("15550002222@s.whatsapp.net", self)).toBe(false);
  });
});

describe("access policy", () => {
  test("allowFrom takes E.164 (in any spelling) and *, drops what can never match", () => {
    expect(normalizeWhatsAppIds(["+1 555 123 4567", "15551234567", "*", "alice", 4915112345678, null])).toEqual(["+15551234567", "*", "+4915112345678"]);
  });

  test("groups keyed by group JID or *; same fail-closed rules as every channel", () => {
    const policy = parseWhatsAppAccess({ groups: { "120363012345678901@g.us": { requireMention: false }, "*": {}, "not-a-group": {}, "1555@s.whatsapp.net": {} } });
    expect(Object.keys(policy.groups)).toEqual(["120363012345678901@g.us", "*"]);
    expect(policy.invalid).toBeUndefined();
    expect(parseWhatsAppAccess({ dmPolicy: "allowlist" }).invalid).toMatch(/E\.164/);
    expect(parseWhatsAppAccess({ dmPolicy: "everyone" }).invalid).toMatch(/dmPolicy/);
    expect(parseWhatsAppAccess({ dmPolicy: "open", allowFrom: ["+15551234567"] }).invalid).toMatch(/needs "\*"/);
  });
});
