/**
 * Concurrent config writes against a real gateway: of the writers holding one base hash exactly
 * one is acknowledged, the rest get the conflict error (never "internal error"), and the file
 * ends as the acknowledged write, live in the gateway too. Each writer is its own client with
 * its own device, as real editors are, so the 3-writes-per-minute budget is per writer.
 */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { updateConfig } from "../../src/config/config-writer.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, type Frame, type TestClient } from "../helpers/ws-client.ts";

const CONFLICT = "config changed since it was read (base hash mismatch); re-run config.get and retry";
const WRITERS = 10;
const ROUNDS = 4;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function clients(gw: TestGateway, count: number): Promise<TestClient[]> {
  const opened = await Promise.all(Array.from({ length: count }, () => connectClient(gw.url)));
  for (const { res } of opened) expect(res.ok).toBe(true);
  return opened.map(({ client }) => client);
}

interface Write {
  tag: string;
  baseHash: string;
  method?: "config.set" | "config.patch" | "config.apply";
}

/** Sends every write at once, each on its own client, and returns the responses in order. */
async function sendAll(writers: TestClient[], base: Record<string, unknown>, writes: Write[]): Promise<Frame[]> {
  const ids = writes.map((write, i) => {
    const method = write.method ?? "config.set";
    const raw = method === "config.patch" ? { meta: { writer: write.tag } } : { ...base, meta: { writer: write.tag } };
    return writers[i]!.request(method, { raw: JSON.stringify(raw), baseHash: write.baseHash, restartDelayMs: 60_000 });
  });
  return Promise.all(ids.map((id, i) => writers[i]!.response(id, 10_000)));
}

/** The one acknowledged write among `responses`; every other one must be the conflict error. */
function theOneAcknowledged(responses: Frame[], writes: Write[]): Write {
  const ok = responses.flatMap((res, i) => (res.ok ? [writes[i]!] : []));
  for (const res of responses) if (!res.ok) expect(res.error).toEqual({ code: "INVALID_REQUEST", message: CONFLICT, details: { reason: "base-hash-mismatch" } });
  expect(ok.length).toBe(1);
  return ok[0]!;
}

/** The file parses, carries the acknowledged write, is what the gateway runs on, and `config.get` agrees. */
async function expectFileIs(gw: TestGateway, reader: TestClient, tag: string): Promise<Frame> {
  const path = join(gw.stateDir, "openclaw.json");
  const text = await readFile(path, "utf8");
  expect(JSON.parse(text).meta.writer).toBe(tag);
  expect(gw.gateway.services.options.config.meta).toMatchObject({ writer: tag });
  const snap = (await reader.rpc("config.get")).payload;
  expect(snap.hash).toBe(sha256(text));
  expect((await readdir(gw.stateDir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  return snap;
}

describe("concurrent config writes", () => {
  test("ten config.set on the same base hash: exactly one is acknowledged and it is the file; round after round", async () => {
    await using gw = await startTestGateway();
    const [reader] = await clients(gw, 1);
    let snap = (await reader!.rpc("config.get")).payload;
    for (let round = 0; round < ROUNDS; round++) {
      const writers = await clients(gw, WRITERS);
      const writes = writers.map((_, i) => ({ tag: `r${round}-w${i}`, baseHash: snap.hash }));
      const responses = await sendAll(writers, snap.config, writes);
      const winner = theOneAcknowledged(responses, writes);
      expect(responses.find((res) => res.ok)!.payload.config.meta.writer).toBe(winner.tag);
      snap = await expectFileIs(gw, reader!, winner.tag);
      for (const client of writers) client.close();
    }
    reader!.close();
  });

  test("writers on different base hashes, some stale, mixing set, patch and apply: one acknowledged per current hash, none for stale ones", async () => {
    await using gw = await startTestGateway({ onRestart: () => {} });
    const [reader] = await clients(gw, 1);
    const first = (await reader!.rpc("config.get")).payload;
    expect((await reader!.rpc("config.set", { raw: JSON.stringify(first.config), baseHash: first.hash })).ok).toBe(true);
    let snap = (await reader!.rpc("config.get")).payload;
    const stale = [first.hash];
    const methods = ["config.set", "config.patch", "config.apply"] as const;
    for (let round = 0; round < ROUNDS; round++) {
      const writers = await clients(gw, WRITERS);
      const writes: Write[] = writers.map((_, i) => ({
        tag: `r${round}-w${i}`,
        // Every other writer read an older version, or made a hash up.
        baseHash: i % 2 === 0 ? snap.hash : i % 4 === 1 ? stale[i % stale.length]! : sha256(`made up ${i}`),
        method: methods[(round + i) % methods.length],
      }));
      const responses = await sendAll(writers, snap.config, writes);
      const winner = theOneAcknowledged(responses, writes);
      expect(winner.baseHash).toBe(snap.hash);
      stale.push(snap.hash);
      snap = await expectFileIs(gw, reader!, winner.tag);
      for (const client of writers) client.close();
    }
    reader!.close();
  });

  test("an in-process edit (as the CLI's config set makes) and RPC writes share one queue: neither loses the other", async () => {
    await using gw = await startTestGateway();
    const path = join(gw.stateDir, "openclaw.json");
    const [reader] = await clients(gw, 1);
    for (let round = 0; round < ROUNDS; round++) {
      const snap = (await reader!.rpc("config.get")).payload;
      const writers = await clients(gw, WRITERS);
      const writes = writers.map((_, i) => ({ tag: `r${round}-w${i}`, baseHash: snap.hash }));
      const level = round % 2 ? "debug" : "warn";
      const [responses] = await Promise.all([
        sendAll(writers, snap.config, writes),
        updateConfig({ path, edit: (current) => ({ ...current.document(), logging: { level } }) }),
      ]);
      const file = JSON.parse(await readFile(path, "utf8"));
      // The edit needs no base hash, so it always lands; an RPC write lands only if it came first.
      expect(file.logging).toEqual({ level });
      const acknowledged = responses.filter((res) => res.ok);
      expect(acknowledged.length).toBeLessThanOrEqual(1);
      for (const res of responses) if (!res.ok) expect(res.error).toEqual({ code: "INVALID_REQUEST", message: CONFLICT, details: { reason: "base-hash-mismatch" } });
      if (acknowledged.length === 1) expect(file.meta.writer).toBe(acknowledged[0]!.payload.config.meta.writer);
      for (const client of writers) client.close();
    }
    reader!.close();
  });
});
