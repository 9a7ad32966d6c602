import { expect, test } from "bun:test";
import { requiredScope, scopeSatisfied } from "../../protocol/scopes.ts";
import { PresenceRegistry, PRESENCE_TTL_MS } from "../../src/core/presence.ts";

test("scope table and implication", () => {
  expect(requiredScope("status")).toBe("operator.read");
  expect(requiredScope("send")).toBe("operator.write");
  expect(requiredScope("node.pair.approve")).toBe("operator.pairing");
  expect(requiredScope("system-event")).toBe("operator.admin");
  expect(requiredScope("some.future.method")).toBe("operator.admin");
  expect(scopeSatisfied(["operator.write"], "operator.read")).toBe(true);
  expect(scopeSatisfied(["operator.read"], "operator.write")).toBe(false);
  expect(scopeSatisfied(["operator.admin"], "operator.pairing")).toBe(true);
  expect(scopeSatisfied(["operator.pairing"], "operator.read")).toBe(false);
});

test("presence: live entries stay, departed ones expire after the TTL", () => {
  let now = 1_000_000;
  const registry = new PresenceRegistry(() => ({ mode: "gateway", reason: "self", ts: now }), () => now);
  registry.upsert("a", { mode: "ui", reason: "connect" }, { live: true });
  registry.upsert("b", { mode: "ui", reason: "connect" }, { live: true });
  registry.disconnected("b");
  expect(registry.list().map((e) => e.reason)).toEqual(["self", "connect", "disconnect"]);
  now += PRESENCE_TTL_MS + 1;
  expect(registry.list().map((e) => e.reason)).toEqual(["self", "connect"]);
  const version = registry.version;
  registry.upsert("a", { mode: "ui", reason: "system-event" });
  expect(registry.version).toBe(version + 1);
});
