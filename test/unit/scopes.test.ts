import { expect, test } from "bun:test";
import { methods, requiredScope } from "../../protocol/index.ts";
import { PLANNED_METHODS } from "../../protocol/planned-methods.ts";
import { scopeSatisfied } from "../../protocol/scopes.ts";
import { REFERENCE_NODE_ONLY, referenceScope } from "../fixtures/reference-scopes.ts";
import { PresenceRegistry, PRESENCE_TTL_MS } from "../../src/core/presence/registry.ts";

test("every method record declares the reference's role and scope", () => {
  for (const [name, record] of Object.entries(methods)) {
    if (REFERENCE_NODE_ONLY.includes(name)) {
      expect([name, record.roles, record.scope]).toEqual([name, ["node"], null]);
    } else if (name === "health") {
      // Any connected client, nodes included.
      expect([name, record.roles, record.scope]).toEqual([name, ["operator", "node"], null]);
    } else {
      expect([name, record.roles, record.scope]).toEqual([name, ["operator"], referenceScope(name)]);
    }
  }
});

test("scope lookup and implication", () => {
  expect(requiredScope("status")).toBe("operator.read");
  expect(requiredScope("node.pair.approve")).toBe("operator.pairing");
  expect(requiredScope("system-event")).toBe("operator.admin");
  expect(requiredScope("health")).toBeNull();
  // Unknown names (and prototype keys) need admin: fail closed.
  expect(requiredScope("some.future.method")).toBe("operator.admin");
  expect(requiredScope("__proto__")).toBe("operator.admin");
  expect(scopeSatisfied(["operator.write"], "operator.read")).toBe(true);
  expect(scopeSatisfied(["operator.read"], "operator.write")).toBe(false);
  expect(scopeSatisfied(["operator.admin"], "operator.pairing")).toBe(true);
  expect(scopeSatisfied(["operator.pairing"], "operator.read")).toBe(false);
});

test("presence: live entries stay, departed ones expire after the TTL", () => {
  let now = 1_000_000;
  let changes = 0;
  const registry = new PresenceRegistry({ selfEntry: () => ({ mode: "gateway", reason: "self", ts: now }), now: () => now, onChange: () => changes++ });
  registry.upsert("a", { mode: "ui", reason: "connect" }, { live: true });
  registry.upsert("b", { mode: "ui", reason: "connect" }, { live: true });
  registry.disconnected("b");
  expect(registry.list().map((e) => e.reason)).toEqual(["self", "connect", "disconnect"]);
  now += PRESENCE_TTL_MS + 1;
  expect(registry.list().map((e) => e.reason)).toEqual(["self", "connect"]);
  const version = registry.version;
  registry.upsert("a", { mode: "ui", reason: "system-event" });
  expect(registry.version).toBe(version + 1);
  expect(changes).toBe(4);
});

test("a planned method leaves the planned list when its record is added", () => {
  for (const name of PLANNED_METHODS) expect([name, Object.hasOwn(methods, name)]).toEqual([name, false]);
});
