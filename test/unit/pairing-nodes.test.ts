/** Node pairing as domain code: request, decide, verify, expire — results and emitted events. */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE_PAIRING_TTL_MS, NodePairing } from "../../src/core/pairing/node-pairing.ts";
import { openStore } from "../../src/store/database.ts";
import { NodeStore } from "../../src/store/nodes.ts";

let dir: string;
let db: Database;
let clock: { now: number };
let events: { event: string; payload: any }[];
let pairing: NodePairing;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-node-pairing-"));
  db = openStore(dir);
  clock = { now: 1_700_000_000_000 };
  events = [];
  pairing = new NodePairing({ store: new NodeStore(db), emit: (event, payload) => events.push({ event, payload }), now: () => clock.now });
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

test("request → approve → verify; asking again while pending returns the same request", () => {
  const asked = pairing.request({ nodeId: "n1", displayName: "Kitchen", commands: ["camera.list"], silent: true });
  expect(asked).toMatchObject({ status: "pending", created: true, request: { nodeId: "n1", displayName: "Kitchen", isRepair: false, ts: clock.now } });
  expect(asked.request).not.toHaveProperty("silent");
  expect(events).toEqual([{ event: "node.pair.requested", payload: asked.request }]);
  expect(pairing.request({ nodeId: "n1" })).toEqual({ status: "pending", request: asked.request, created: false });

  const approved = pairing.approve(asked.request.requestId);
  if (approved.status !== "approved") throw new Error("expected approved");
  expect(approved.node).toMatchObject({ nodeId: "n1", displayName: "Kitchen", commands: ["camera.list"], approvedAtMs: clock.now });
  expect(approved.node.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(events.at(-1)).toEqual({ event: "node.pair.resolved", payload: { requestId: asked.request.requestId, nodeId: "n1", decision: "approved", ts: clock.now } });
  expect(pairing.approve(asked.request.requestId)).toEqual({ status: "unknown-request" });

  expect(pairing.verify("n1", approved.node.token)).toEqual({ status: "verified", node: approved.node });
  expect(pairing.verify("n1", "wrong")).toEqual({ status: "invalid" });
  expect(pairing.verify("n2", approved.node.token)).toEqual({ status: "invalid" });
  expect(pairing.list()).toEqual({ pending: [], paired: [approved.node] });
  // A paired node asking again is a repair.
  expect(pairing.request({ nodeId: "n1" }).request.isRepair).toBe(true);
});

test("reject; and requests expire after the TTL, announced once when the state is next read", () => {
  const first = pairing.request({ nodeId: "a" }).request;
  expect(pairing.reject(first.requestId)).toEqual({ status: "rejected", request: first });
  expect(events.at(-1)!.payload).toMatchObject({ requestId: first.requestId, decision: "rejected" });
  expect(pairing.reject(first.requestId)).toEqual({ status: "unknown-request" });

  const second = pairing.request({ nodeId: "b" }).request;
  clock.now += NODE_PAIRING_TTL_MS + 1;
  expect(pairing.list()).toEqual({ pending: [], paired: [] });
  expect(events.filter((e) => e.payload.decision === "expired")).toEqual([
    { event: "node.pair.resolved", payload: { requestId: second.requestId, nodeId: "b", decision: "expired", ts: clock.now } },
  ]);
  expect(pairing.approve(second.requestId)).toEqual({ status: "unknown-request" });
  expect(events.filter((e) => e.payload.decision === "expired").length).toBe(1);
});
