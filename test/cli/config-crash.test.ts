/**
 * `kill -9` in the middle of config writes: a real gateway process is hammered with concurrent
 * `config.set` from many devices (each a new pairing, so the device store is written too) and
 * killed mid-way. The config must still parse and hold the last acknowledged write or one that
 * was in flight, never lose an acknowledged one, and a new gateway must start on it and clear
 * the temp files the crash left (they hold the token).
 */
import { afterAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { watch } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGatewayProcess, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { TestClient, connectParams, type Frame } from "../helpers/ws-client.ts";

const TOKEN = "crash-test-token-0123456789abcdef";
const ROUNDS = 4;
const WRITERS = 8;
const CONFLICT = "config changed since it was read (base hash mismatch); re-run config.get and retry";
/** Above Linux's largest pid_max: the pid of a writer that is certainly gone. */
const DEAD_PID = 4_194_305;

const homes: string[] = [];
const running: GatewayProcess[] = [];
afterAll(async () => {
  for (const gw of running) await gw.stop("SIGKILL");
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Waits for the answer to `id`, or null when the socket closes first (the gateway died). */
function answerOrClose(client: TestClient, id: string): Promise<Frame | null> {
  return client.waitFor(`response ${id} or close`, () => client.frames.find((f) => f.type === "res" && f.id === id) ?? (client.isClosed ? null : undefined), 10_000);
}

/** A client with a new device (a pairing the gateway stores), or null once the gateway is gone. */
async function tryConnect(url: string): Promise<TestClient | null> {
  const client = await TestClient.open(url).catch(() => null);
  if (!client) return null;
  const challenge = await client.waitFor("challenge or close", () => client.frames.find((f) => f.event === "connect.challenge") ?? (client.isClosed ? null : undefined));
  if (!challenge) return null;
  const res = await answerOrClose(client, client.request("connect", connectParams(challenge.payload.nonce, { token: TOKEN })));
  if (res?.ok) return client;
  client.close();
  return null;
}

interface Write {
  tag: string;
  baseHash: string;
  /** true: acknowledged; false: refused as a conflict; null: no answer before the kill. */
  acked: boolean | null;
}

/**
 * Where the kill lands, once `killAfter` writes were acknowledged: right after an answer (other
 * writes queued), or as the directory shows a write's temp file, its `.bak`, or its rename.
 */
type KillPoint = "ack" | "temp" | "backup" | "rename";
const KILL_POINTS: KillPoint[] = ["temp", "backup", "rename", "ack"];

function killsAt(point: KillPoint, filename: string | null): boolean {
  if (point === "temp") return filename?.endsWith(".tmp") ?? false;
  if (point === "backup") return filename === "openclaw.json.bak";
  return point === "rename" && filename === "openclaw.json";
}

/**
 * Writers that keep reading and writing the config (3 writes per device, the budget, then a new
 * device) until the gateway dies; the gateway is killed with SIGKILL at `point`.
 */
async function hammer({ gw, stateDir, round, point }: { gw: GatewayProcess; stateDir: string; round: number; point: KillPoint }): Promise<Write[]> {
  const url = `ws://127.0.0.1:${gw.port}`;
  const killAfter = 2 + round;
  const writes: Write[] = [];
  let acked = 0;
  let dead = false;
  const kill = () => {
    if (dead) return;
    dead = true;
    gw.proc.kill("SIGKILL");
  };
  const watcher = watch(stateDir, (_event, filename) => {
    if (acked >= killAfter && killsAt(point, filename)) kill();
  });
  const writer = async (w: number) => {
    for (let device = 0; !dead; device++) {
      const client = await tryConnect(url);
      if (!client) return;
      for (let n = 0; n < 3 && !dead; n++) {
        const snap = await answerOrClose(client, client.request("config.get"));
        if (!snap) return;
        const write: Write = { tag: `r${round}-w${w}-d${device}-n${n}`, baseHash: snap.payload.hash, acked: null };
        writes.push(write);
        const raw = JSON.stringify({ ...snap.payload.config, meta: { writer: write.tag } });
        const res = await answerOrClose(client, client.request("config.set", { raw, baseHash: write.baseHash }));
        if (!res) return;
        if (!res.ok) expect(res.error).toEqual({ code: "INVALID_REQUEST", message: CONFLICT, details: { reason: "base-hash-mismatch" } });
        write.acked = res.ok;
        if (res.ok && ++acked >= killAfter && point === "ack") kill();
      }
      client.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  } finally {
    watcher.close();
  }
  await gw.proc.exited;
  return writes;
}

/** Leaves a temp file as a crash of an earlier writer would have. */
async function plantStaleTemp(stateDir: string): Promise<string> {
  const name = `openclaw.json.${DEAD_PID}.${randomBytes(8).toString("hex")}.tmp`;
  await writeFile(join(stateDir, name), JSON.stringify({ gateway: { mode: "local", auth: { token: TOKEN } } }), { mode: 0o600 });
  return name;
}

async function startOn(home: string): Promise<GatewayProcess> {
  const gw = await startGatewayProcess(["--port", "0"], { home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  running.push(gw);
  return gw;
}

const tempFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith(".tmp"));

test("a gateway killed mid-write leaves a config that parses, holds no lost write, and a new gateway starts on it without the temp files", async () => {
  const home = await mkdtemp(join(tmpdir(), "openclaw-crash-"));
  homes.push(home);
  const path = await writeConfig(home, { gateway: { mode: "local", auth: { token: TOKEN } }, logging: { file: join(home, "gateway.log") } });
  const stateDir = join(path, "..");

  for (let round = 0; round <= ROUNDS; round++) {
    const planted = await plantStaleTemp(stateDir);
    const gw = await startOn(home);
    // Removed at start, before the gateway listens.
    expect(await tempFiles(stateDir)).toEqual([]);
    expect(gw.output()).toContain(`removed ${join(stateDir, planted)}, left by an interrupted config write`);
    if (round === ROUNDS) {
      await gw.stop();
      break;
    }

    const writes = await hammer({ gw, stateDir, round, point: KILL_POINTS[round % KILL_POINTS.length]! });
    const text = await readFile(path, "utf8");
    const config = JSON.parse(text);
    const tag = config.meta?.writer;
    const acknowledged = writes.filter((w) => w.acked === true);
    const inFlight = writes.filter((w) => w.acked === null);
    // Answers already on the wire when the kill came may still arrive.
    expect(acknowledged.length).toBeGreaterThanOrEqual(2 + round);
    // The last acknowledged write, or one the gateway was busy with when it died...
    expect([...acknowledged, ...inFlight].map((w) => w.tag)).toContain(tag);
    // ...and no acknowledged write was based on this text, which would mean it got undone.
    expect(acknowledged.filter((w) => w.baseHash === sha256(text))).toEqual([]);
    expect(config.gateway.auth.token).toBe(TOKEN);
  }
}, 20_000);
