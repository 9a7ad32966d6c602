/**
 * `logs.tail` over a real socket (protocol.md §6 Logs) against a gateway writing its JSON-lines
 * file log to `<home>/gateway.log`: the lines are the file's lines, the cursor continues
 * exactly where the last call ended, `limit`/`maxBytes`/stale cursors behave, no secret is in
 * there, and who may read it (operator.read yes, a node no).
 */
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually } from "../helpers/condition.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, type TestClient } from "../helpers/ws-client.ts";

interface Tail {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated?: boolean;
  reset?: boolean;
}

async function tail(client: TestClient, params: Record<string, unknown> = {}): Promise<Tail> {
  const res = await client.rpc("logs.tail", params);
  expect(res.error).toBeUndefined();
  expect(res.ok).toBe(true);
  return res.payload as Tail;
}

/**
 * Polls `logs.tail` from `cursor` until `check` holds: file writes are buffered, and the file
 * announces nothing, so this waits for something to be there, never for something not to be.
 */
async function tailUntil(client: TestClient, params: Record<string, unknown>, check: (t: Tail) => boolean, what: string): Promise<Tail> {
  let last: Tail | undefined;
  try {
    return await eventually(what, async () => {
      last = await tail(client, params);
      return check(last) ? last : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last).slice(0, 500)}`);
  }
}

/** A connect with a wrong token: refused, and logged at debug level (`connect refused …`). */
async function refusedConnect(gw: TestGateway): Promise<void> {
  const bad = await connectClient(gw.url, { token: "wrong-token-for-logs-test" });
  expect(bad.res.ok).toBe(false);
  bad.client.close();
}

const refusals = (t: Tail) => t.lines.filter((line) => line.includes("connect refused")).length;
const bytes = (lines: string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);

describe("logs.tail", () => {
  test("returns the file log's JSON lines and continues exactly from the cursor", async () => {
    await using gw = await startTestGateway({ fileLog: true });
    const file = join(gw.home, "gateway.log");
    const { client, res } = await connectClient(gw.url);
    expect(res.ok).toBe(true);

    await refusedConnect(gw);
    const first = await tailUntil(client, {}, (t) => refusals(t) >= 1, "the refused connect in the log");
    expect(first.file).toBe(file);
    expect(first.cursor).toBe(bytes(first.lines)); // small file, read from the start
    expect(first.size).toBeGreaterThanOrEqual(first.cursor);
    for (const line of first.lines) {
      const entry = JSON.parse(line);
      expect(Object.keys(entry).sort()).toEqual(["level", "message", "subsystem", "time"]);
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
      expect(typeof entry.level).toBe("string");
      expect(typeof entry.subsystem).toBe("string");
      expect(typeof entry.message).toBe("string");
    }
    const refused = first.lines.map((line) => JSON.parse(line)).find((e) => e.message.startsWith("connect refused"));
    expect(refused).toMatchObject({ level: "debug", subsystem: "gateway" });

    // Only what came after the cursor, byte for byte what the file holds there.
    await refusedConnect(gw);
    const second = await tailUntil(client, { cursor: first.cursor }, (t) => refusals(t) >= 1, "the second refused connect");
    expect(second.reset).toBeUndefined();
    expect(second.truncated).toBeUndefined();
    expect(second.cursor).toBe(first.cursor + bytes(second.lines));
    const text = await readFile(file);
    expect(text.subarray(first.cursor, second.cursor).toString()).toBe(second.lines.map((l) => l + "\n").join(""));
    expect(second.lines.some((line) => first.lines.includes(line))).toBe(false);

    // Nothing new: same cursor back (modulo lines our own activity may have added).
    const third = await tail(client, { cursor: second.cursor });
    expect(third.cursor).toBe(second.cursor + bytes(third.lines));

    const all = (await readFile(file, "utf8")) + first.lines.join("\n") + second.lines.join("\n");
    expect(all).not.toContain(TEST_TOKEN);
    expect(gw.logLines.join("\n")).not.toContain(TEST_TOKEN);
    client.close();
  });

  test("limit keeps the newest lines, maxBytes bounds the read, a stale cursor resets", async () => {
    await using gw = await startTestGateway({ fileLog: true });
    const { client } = await connectClient(gw.url);
    for (let i = 0; i < 3; i++) await refusedConnect(gw);
    const full = await tailUntil(client, {}, (t) => refusals(t) >= 3 && t.lines.length >= 4, "three refused connects");

    const limited = await tail(client, { limit: 2 });
    expect(limited.lines).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    const text = await readFile(join(gw.home, "gateway.log"));
    const upToCursor = text.subarray(0, limited.cursor).toString().trimEnd().split("\n");
    expect(limited.lines).toEqual(upToCursor.slice(-2));

    const small = await tail(client, { maxBytes: 300 });
    expect(small.truncated).toBe(true);
    expect(bytes(small.lines)).toBeLessThanOrEqual(300);
    for (const line of small.lines) JSON.parse(line); // whole lines only
    expect(small.cursor).toBeGreaterThanOrEqual(full.cursor);

    const past = await tail(client, { cursor: full.size + 10_000 });
    expect(past.reset).toBe(true);
    expect(past.cursor).toBeGreaterThanOrEqual(full.cursor);

    const farBehind = await tail(client, { cursor: 0, maxBytes: 200 });
    expect(farBehind.reset).toBe(true);
    expect(bytes(farBehind.lines)).toBeLessThanOrEqual(200);

    for (const params of [{ limit: 0 }, { limit: 5001 }, { maxBytes: 0 }, { cursor: -1 }, { cursor: 1.5 }]) {
      const res = await client.rpc("logs.tail", params);
      expect(res.ok).toBe(false);
      expect(res.error.code).toBe("INVALID_REQUEST");
    }
    client.close();
  });

  test("a read-only operator may read the log; a node may not", async () => {
    await using gw = await startTestGateway({ fileLog: true });
    const reader = await connectClient(gw.url, { scopes: ["operator.read"] });
    expect(reader.res.ok).toBe(true);
    const result = await tailUntil(reader.client, { limit: 5 }, (t) => t.lines.length > 0, "some log lines");
    expect(result.lines.length).toBeLessThanOrEqual(5);

    const node = await connectClient(gw.url, { role: "node", scopes: [], client: { id: "node-host", mode: "node" } });
    expect(node.res.ok).toBe(true);
    const denied = await node.client.rpc("logs.tail", {});
    expect(denied.ok).toBe(false);
    expect(denied.error.message).toBe("unauthorized role: node");
    reader.client.close();
    node.client.close();
  });

  test("a gateway without a file log says so", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    const res = await client.rpc("logs.tail", {});
    expect(res.ok).toBe(false);
    expect(res.error).toMatchObject({ code: "UNAVAILABLE", message: "this gateway does not write a file log" });
    client.close();
  });
});
