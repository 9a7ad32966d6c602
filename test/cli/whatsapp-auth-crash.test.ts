/**
 * `kill -9` in the middle of auth-state commits (user-needs B4): a child process makes 1,000
 * `keys.set` commits through `openWhatsAppAuthState`, each writing a random number of random
 * session keys (every tenth 300 or more: the one each kill is aimed at), deleting a key of the commit before, moving a shared counter, and writing a
 * marker (commit number, key count, digests). It is killed at random points, four times, and
 * resumed each time. After every kill the store must open (WAL recovery), pass SQLite's
 * integrity check, and hold exactly the commits up to the last one that landed: each of them
 * whole, none after it in part, and never less than the child had reported done.
 */
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openWhatsAppAuthState } from "../../src/channels/whatsapp/auth-state.ts";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";

const COMMITS = 1000;
const KILLS = 4;

const src = (path: string) => JSON.stringify(resolve(import.meta.dir, "../../src", path));

/** Commits `from`…COMMITS-1, printing each commit's number once `set` has resolved. */
const WRITER = `
import { createHash, randomBytes, randomInt } from "node:crypto";
import { openStore } from ${src("store/database.ts")};
import { openWhatsAppAuthState } from ${src("channels/whatsapp/auth-state.ts")};
const [stateDir, from, to] = process.argv.slice(2);
const db = openStore(stateDir);
const auth = await openWhatsAppAuthState({ db, accountId: "default", stateDir });
const sha = (buffers) => createHash("sha256").update(Buffer.concat(buffers)).digest("hex");
for (let n = Number(from); n < Number(to); n++) {
  // Every tenth commit is large, so a kill that follows its predecessor lands inside it.
  const size = n % 10 === 9 ? randomInt(300, 500) : randomInt(1, 41);
  const values = Array.from({ length: size }, () => randomBytes(randomInt(50, 300)));
  const session = Object.fromEntries(values.map((value, j) => ["c" + n + "-k" + j, value]));
  if (n > 0) session["c" + (n - 1) + "-k0"] = null;
  await auth.state.keys.set({
    session,
    "sender-key-memory": { ["marker-" + n]: { n, size, digest: sha(values.slice(1)), k0: sha(values.slice(0, 1)) } },
    "app-state-sync-version": { counter: { version: n, hash: randomBytes(128), indexValueMap: {} } },
  });
  process.stdout.write(n + "\\n");
}
process.stdout.write("done\\n");
`;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha = (buffers: Buffer[]) => createHash("sha256").update(Buffer.concat(buffers)).digest("hex");

interface Marker {
  n: number;
  size: number;
  digest: string;
  k0: string;
}

/** Runs the writer from `from`; kills it once it has reported `killAt` (null: let it finish). Returns the last commit it reported. */
async function runWriter(stateDir: string, from: number, killAt: number | null): Promise<number> {
  const proc = Bun.spawn([process.execPath, join(stateDir, "..", "writer.ts"), stateDir, String(from), String(COMMITS)], { stdout: "pipe", stderr: "pipe" });
  let reported = from - 1;
  let text = "";
  for await (const chunk of proc.stdout) {
    text += new TextDecoder().decode(chunk);
    const lines = text.split("\n");
    text = lines.pop()!;
    for (const line of lines) if (/^\d+$/.test(line)) reported = Number(line);
    if (killAt !== null && reported >= killAt) {
      proc.kill("SIGKILL");
      break;
    }
  }
  const code = await proc.exited;
  if (killAt === null) expect({ code, stderr: await new Response(proc.stderr).text() }).toEqual({ code: 0, stderr: "" });
  else expect(proc.signalCode).toBe("SIGKILL");
  return reported;
}

/** Opens the store as a restarted gateway would and checks every commit; returns the last one. */
async function verify(stateDir: string, reported: number): Promise<number> {
  const db = openStore(stateDir);
  try {
    expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check).toBe("ok");
    const auth = await openWhatsAppAuthState({ db, accountId: "default", stateDir });
    const markerIds = db
      .query<{ id: string }, []>("SELECT id FROM whatsapp_keys WHERE type = 'sender-key-memory' AND account_id = 'default'")
      .all()
      .map((row) => row.id);
    const found = markerIds.map((id) => Number(id.slice("marker-".length))).sort((a, b) => a - b);
    const last = found.length - 1;
    // Commits are sequential: the ones that landed are exactly 0…last, and all that were reported did.
    expect(found).toEqual(Array.from({ length: found.length }, (_, i) => i));
    expect(last).toBeGreaterThanOrEqual(reported);

    const markers = (await auth.state.keys.get("sender-key-memory", markerIds)) as unknown as Record<string, Marker>;
    let sessions = 0;
    for (let n = 0; n <= last; n++) {
      const marker = markers[`marker-${n}`]!;
      const ids = Array.from({ length: marker.size }, (_, j) => `c${n}-k${j}`);
      const got = (await auth.state.keys.get("session", ids)) as Record<string, Buffer>;
      expect(sha(ids.slice(1).map((id) => got[id]!))).toBe(marker.digest);
      // The commit after this one deleted its first key, in the same transaction.
      if (n < last) expect(got[ids[0]!]).toBeUndefined();
      else expect(sha([got[ids[0]!]!])).toBe(marker.k0);
      sessions += n < last ? marker.size - 1 : marker.size;
    }
    // Nothing of a commit after the last one: no orphan keys, and the counter agrees.
    expect(new WhatsAppAuthStore(db).countKeys("default").session).toBe(sessions);
    const { counter } = await auth.state.keys.get("app-state-sync-version", ["counter"]);
    expect(counter?.version).toBe(last);
    return last;
  } finally {
    db.close();
  }
}

test(`kill -9 during ${COMMITS} auth-state commits never leaves a half-written commit`, async () => {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-wa-crash-"));
  dirs.push(dir);
  const stateDir = join(dir, "state");
  await writeFile(join(dir, "writer.ts"), WRITER);

  let last = -1;
  for (let round = 0; round < KILLS; round++) {
    // Somewhere in the next stretch of commits (so all four land before the end), just before a large one.
    const stretch = last + 1 + Math.floor(Math.random() * (COMMITS / (KILLS + 1)));
    let killAt = stretch - (stretch % 10) + 8;
    if (killAt <= last) killAt += 10;
    const reported = await runWriter(stateDir, last + 1, killAt);
    last = await verify(stateDir, reported);
    expect(last).toBeLessThan(COMMITS - 1);
  }
  const reported = await runWriter(stateDir, last + 1, null);
  expect(reported).toBe(COMMITS - 1);
  expect(await verify(stateDir, reported)).toBe(COMMITS - 1);
}, 60_000);
