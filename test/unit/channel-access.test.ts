/** Access decisions, table-driven across DM policies × allowlist shapes × pairing, and group policies × groups × mentions. */
import { describe, expect, test } from "bun:test";
import { decideAccess, wildcardDefeatsPairing, type AccessDecision } from "../../src/channels/access.ts";
import type { AccessPolicy } from "../../src/channels/types.ts";

const base: AccessPolicy = { dmPolicy: "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: [], groups: {} };
const policy = (over: Partial<AccessPolicy>): AccessPolicy => ({ ...base, ...over });

const dm = (senderId: string) => ({ chat: { id: senderId, kind: "direct" as const }, sender: { id: senderId }, mentioned: false });
const group = (chatId: string, senderId: string, mentioned: boolean) => ({ chat: { id: chatId, kind: "group" as const }, sender: { id: senderId }, mentioned });

const ALLOW: AccessDecision = { action: "allow" };
const PAIR: AccessDecision = { action: "pair" };
const refused = (reason: string): AccessDecision => ({ action: "refuse", reason } as AccessDecision);

describe("direct messages", () => {
  const approved = new Set(["77"]);
  const cases: [string, Partial<AccessPolicy>, string, AccessDecision][] = [
    ["pairing: a stranger is offered a code", {}, "1", PAIR],
    ["pairing: an approved sender is let in", {}, "77", ALLOW],
    ["pairing: a listed sender is let in", { allowFrom: ["1"] }, "1", ALLOW],
    ['pairing with "*": everyone is let in (and start warns)', { allowFrom: ["*"] }, "1", ALLOW],
    ["allowlist: a listed sender", { dmPolicy: "allowlist", allowFrom: ["1", "2"] }, "2", ALLOW],
    ["allowlist: an approved sender", { dmPolicy: "allowlist", allowFrom: ["1"] }, "77", ALLOW],
    ["allowlist: a stranger is dropped, no code", { dmPolicy: "allowlist", allowFrom: ["1"] }, "3", refused("not-allowed")],
    ["allowlist: an empty list lets nobody in", { dmPolicy: "allowlist" }, "3", refused("not-allowed")],
    ['allowlist: "*" lets everyone in', { dmPolicy: "allowlist", allowFrom: ["*"] }, "3", ALLOW],
    ["open: anyone", { dmPolicy: "open" }, "3", ALLOW],
    ["disabled: nobody, not even listed senders", { dmPolicy: "disabled", allowFrom: ["1"] }, "1", refused("dm-disabled")],
    ["invalid: nobody, whatever else it says", { dmPolicy: "open", invalid: "dmPolicy 'opne' is not one of …" }, "1", refused("invalid-policy")],
  ];
  for (const [name, over, sender, expected] of cases) {
    test(name, () => {
      expect(decideAccess({ message: dm(sender), policy: policy(over), isApproved: (id) => approved.has(id) })).toEqual(expected);
    });
  }

  test("a pairing store that cannot answer counts as not approved (fail closed)", () => {
    const broken = () => {
      throw new Error("database is locked");
    };
    expect(decideAccess({ message: dm("77"), policy: policy({ dmPolicy: "allowlist" }), isApproved: broken })).toEqual(refused("not-allowed"));
    expect(decideAccess({ message: dm("77"), policy: policy({}), isApproved: broken })).toEqual(PAIR);
  });

  test("the account's owner is let in by pairing and allowlist policies, not when DMs are disabled or the policy is broken", () => {
    const owner = { ...dm("+15550001111"), sender: { id: "+15550001111", isOwner: true } };
    const none = () => false;
    expect(decideAccess({ message: owner, policy: policy({}), isApproved: none })).toEqual(ALLOW);
    expect(decideAccess({ message: owner, policy: policy({ dmPolicy: "allowlist" }), isApproved: none })).toEqual(ALLOW);
    expect(decideAccess({ message: owner, policy: policy({ dmPolicy: "disabled" }), isApproved: none })).toEqual(refused("dm-disabled"));
    expect(decideAccess({ message: owner, policy: policy({ invalid: "dmPolicy is not understood" }), isApproved: none })).toEqual(refused("invalid-policy"));
    // The same number without the adapter's word that it is the owner is a stranger.
    expect(decideAccess({ message: dm("+15550001111"), policy: policy({ dmPolicy: "allowlist" }), isApproved: none })).toEqual(refused("not-allowed"));
  });

  test("the pairing-with-wildcard warning", () => {
    expect(wildcardDefeatsPairing(policy({ allowFrom: ["*"] }))).toBe(true);
    expect(wildcardDefeatsPairing(policy({ allowFrom: ["1"] }))).toBe(false);
    expect(wildcardDefeatsPairing(policy({ dmPolicy: "allowlist", allowFrom: ["*"] }))).toBe(false);
  });
});

describe("groups", () => {
  const none = () => false;
  const cases: [string, Partial<AccessPolicy>, ReturnType<typeof group>, AccessDecision][] = [
    ["disabled: nothing", { groupPolicy: "disabled", groups: { "*": { requireMention: false } } }, group("-1", "1", true), refused("group-disabled")],
    ["open, no groups map: any group, mention required", { groupPolicy: "open" }, group("-1", "1", true), ALLOW],
    ["open without a mention: dropped", { groupPolicy: "open" }, group("-1", "1", false), refused("no-mention")],
    ["open, requireMention false: no mention needed", { groupPolicy: "open", groups: { "*": { requireMention: false } } }, group("-1", "1", false), ALLOW],
    ["groups map is the allowlist: an unlisted group is refused", { groupPolicy: "open", groups: { "-1": { requireMention: true } } }, group("-2", "1", true), refused("group-not-allowed")],
    ["a group's own entry wins over *", { groupPolicy: "open", groups: { "*": { requireMention: true }, "-1": { requireMention: false } } }, group("-1", "1", false), ALLOW],
    ["an entry with enabled: false", { groupPolicy: "open", groups: { "-1": { requireMention: false, enabled: false } } }, group("-1", "1", true), refused("group-disabled")],
    ["allowlist: groupAllowFrom filters senders", { groupAllowFrom: ["5"], groups: { "*": { requireMention: false } } }, group("-1", "6", true), refused("sender-not-allowed")],
    ["allowlist: a listed sender", { groupAllowFrom: ["5"], groups: { "*": { requireMention: false } } }, group("-1", "5", false), ALLOW],
    ["allowlist: falls back to allowFrom", { allowFrom: ["6"] }, group("-1", "6", true), ALLOW],
    ["allowlist: no sender list at all refuses (fail closed)", { groups: { "*": { requireMention: false } } }, group("-1", "6", true), refused("sender-not-allowed")],
    ["allowlist: the entry's own allowFrom wins", { groupAllowFrom: ["5"], groups: { "-1": { requireMention: false, allowFrom: ["9"] } } }, group("-1", "9", false), ALLOW],
    ["invalid policy refuses groups too", { groupPolicy: "open", invalid: "groups.x must be an object" }, group("-1", "1", true), refused("invalid-policy")],
  ];
  for (const [name, over, message, expected] of cases) {
    test(name, () => {
      expect(decideAccess({ message, policy: policy(over), isApproved: none })).toEqual(expected);
    });
  }

  test("DM approval grants nothing in groups", () => {
    expect(decideAccess({ message: group("-1", "77", true), policy: policy({ groups: { "*": { requireMention: true } } }), isApproved: () => true })).toEqual(refused("sender-not-allowed"));
  });
});
