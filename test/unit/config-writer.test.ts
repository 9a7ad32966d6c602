/** The config writer: one critical section per path, unique temp files, base-hash conflicts, stale temp removal. */
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { patchEdit, replaceEdit } from "../../src/config/config-edits.ts";
import { ConfigConflictError, hashConfigText, removeStaleTempFiles, updateConfig } from "../../src/config/config-writer.ts";
import { ConfigError } from "../../src/config/read-config.ts";
import { writeConfigAtomic } from "../../src/config/write-config.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A fresh dir with `openclaw.json` holding `config` (or no file when `config` is null). */
async function configFile(config: Record<string, unknown> | null = { gateway: { mode: "local" } }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-writer-"));
  dirs.push(dir);
  const path = join(dir, "openclaw.json");
  if (config) await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));
const tempFiles = async (path: string) => (await readdir(join(path, ".."))).filter((name) => name.endsWith(".tmp"));
/** An update that bumps `meta.n`; with lost updates the final count comes out short. */
const bump = (path: string) =>
  updateConfig({
    path,
    edit: (current) => {
      const doc = current.document();
      const meta = (doc.meta ?? {}) as Record<string, unknown>;
      return { ...doc, meta: { ...meta, n: Number(meta.n ?? 0) + 1 } };
    },
  });

describe("serialisation", () => {
  test("concurrent updates of one path each see the previous one: none is lost", async () => {
    const path = await configFile();
    await Promise.all(Array.from({ length: 25 }, () => bump(path)));
    expect((await readJson(path)).meta.n).toBe(25);
    expect(await tempFiles(path)).toEqual([]);
  });

  test("the next update starts only after the previous one's apply has finished", async () => {
    const path = await configFile();
    const events: string[] = [];
    const update = (name: string) =>
      updateConfig({
        path,
        edit: (current) => {
          events.push(`${name} edit`);
          return current.document();
        },
        apply: async () => {
          events.push(`${name} apply`);
          // Real I/O in the critical section: time for a second writer to barge in, if it could.
          await readFile(path);
          await stat(path);
          events.push(`${name} applied`);
        },
      });
    await Promise.all([update("a"), update("b"), update("c")]);
    expect(events).toEqual(["a edit", "a apply", "a applied", "b edit", "b apply", "b applied", "c edit", "c apply", "c applied"]);
  });

  test("a failed update does not block the ones queued behind it", async () => {
    const path = await configFile();
    const failing = updateConfig({
      path,
      edit: () => {
        throw new Error("edit refused");
      },
    });
    const [first, second] = await Promise.allSettled([failing, bump(path)]);
    expect(first).toMatchObject({ status: "rejected", reason: { message: "edit refused" } });
    expect(second.status).toBe("fulfilled");
    expect((await readJson(path)).meta.n).toBe(1);
  });

  test("the same file named by a relative and an absolute path shares one queue", async () => {
    const path = await configFile();
    const other = relative(process.cwd(), path);
    expect(other).not.toBe(path);
    await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 ? path : other)));
    expect((await readJson(path)).meta.n).toBe(10);
  });
});

describe("the write", () => {
  test("writes in the same millisecond use their own temp files: all succeed and one whole text lands", async () => {
    const path = await configFile();
    const texts = Array.from({ length: 20 }, (_, i) => `${JSON.stringify({ meta: { writer: i, pad: "x".repeat(i * 97) } }, null, 2)}\n`);
    // Straight to the file layer, past the queue: only the temp names keep these apart.
    await Promise.all(texts.map((text) => writeConfigAtomic(path, text)));
    const final = await readFile(path, "utf8");
    expect(texts).toContain(final);
    expect(await tempFiles(path)).toEqual([]);
  });

  test("mode 0600, the previous text kept as .bak, meta stamped, and the result is the file as written", async () => {
    const path = await configFile();
    const before = await readFile(path, "utf8");
    const applied: unknown[] = [];
    const result = await updateConfig({
      path,
      edit: (current) => ({ ...current.document(), logging: { level: "debug" } }),
      apply: (file) => void applied.push(file),
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    const text = await readFile(path, "utf8");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(`${path}.bak`)).mode & 0o777).toBe(0o600);
    expect(await readFile(`${path}.bak`, "utf8")).toBe(before);
    expect(result.file).toEqual({ path, exists: true, raw: text, config: JSON.parse(text), warnings: [] });
    expect(result.file.config.meta).toMatchObject({ lastTouchedAt: "2026-01-02T03:04:05.000Z" });
    expect(result.hash).toBe(createHash("sha256").update(text).digest("hex"));
    expect(applied).toEqual([result.file]);
  });

  test("an invalid result, or one the check refuses, writes nothing", async () => {
    const path = await configFile();
    const before = await readFile(path, "utf8");
    const invalid = updateConfig({ path, edit: () => ({ gateway: { port: "high" } }) });
    await expect(invalid).rejects.toThrow(ConfigError);
    await expect(invalid).rejects.toMatchObject({ problems: ["gateway.port: must be integer"] });
    const refused = updateConfig({
      path,
      edit: () => ({ gateway: { mode: "local" }, nope: 1 }),
      check: ({ warnings }) => {
        if (warnings.length > 0) throw new Error(`refused: ${warnings.join("; ")}`);
      },
    });
    await expect(refused).rejects.toThrow("refused: unknown config key nope (ignored)");
    expect(await readFile(path, "utf8")).toBe(before);
    expect((await readdir(join(path, ".."))).sort()).toEqual(["openclaw.json"]);
  });

  test("the document is what lands on disk: values JSON cannot hold are validated as written", async () => {
    const path = await configFile();
    const result = await updateConfig({ path, edit: () => ({ gateway: { mode: "local", port: undefined }, meta: { x: Number.NaN } }) });
    expect(result.file.config).toEqual(JSON.parse(await readFile(path, "utf8")));
    expect((result.file.config.meta as Record<string, unknown>).x).toBeNull();
    expect(result.file.config.gateway).toEqual({ mode: "local" });
  });
});

describe("base hashes", () => {
  test("of writers holding the same base hash exactly one succeeds; the others conflict and write nothing", async () => {
    const path = await configFile();
    const baseHash = hashConfigText(await readFile(path, "utf8"));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => updateConfig({ path, baseHash, edit: replaceEdit(JSON.stringify({ gateway: { mode: "local" }, meta: { writer: i } })) })),
    );
    const ok = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(ok.length).toBe(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ name: "ConfigConflictError", reason: "base-hash-mismatch" });
    expect((await readJson(path)).meta.writer).toBe(ok[0]);
  });

  test("a missing base hash is refused only while a file exists; '' stands for no file", async () => {
    const path = await configFile(null);
    const edit = replaceEdit('{ gateway: { mode: "local" } }');
    await expect(updateConfig({ path, baseHash: "0".repeat(64), edit })).rejects.toMatchObject({ reason: "base-hash-mismatch" });
    const created = await updateConfig({ path, baseHash: null, edit });
    await expect(updateConfig({ path, baseHash: null, edit })).rejects.toBeInstanceOf(ConfigConflictError);
    await expect(updateConfig({ path, baseHash: null, edit })).rejects.toMatchObject({ reason: "base-hash-required" });
    await expect(updateConfig({ path, baseHash: "", edit })).rejects.toMatchObject({ reason: "base-hash-mismatch" });
    expect((await updateConfig({ path, baseHash: created.hash, edit })).file.config.gateway).toEqual({ mode: "local" });
  });
});

describe("edits for config.set / patch / apply", () => {
  test("redacted placeholders keep the file's secrets; a patch merges and deletes with null", async () => {
    const path = await configFile({ gateway: { mode: "local", auth: { token: "file-token-0123456789" } }, logging: { level: "info" } });
    await updateConfig({ path, edit: replaceEdit('{ gateway: { mode: "local", auth: { token: "__OPENCLAW_REDACTED__" } }, logging: { level: "debug" } }') });
    expect(await readJson(path)).toMatchObject({ gateway: { auth: { token: "file-token-0123456789" } }, logging: { level: "debug" } });
    await updateConfig({ path, edit: patchEdit("{ logging: null, gateway: { auth: { token: '__OPENCLAW_REDACTED__' }, port: 19001 } }") });
    const patched = await readJson(path);
    expect(patched.logging).toBeUndefined();
    expect(patched.gateway).toEqual({ mode: "local", auth: { token: "file-token-0123456789" }, port: 19001 });
  });

  test("a file that does not parse may be replaced but not patched; bad caller text is an invalid config", async () => {
    const path = await configFile(null);
    await writeFile(path, "{ broken");
    await expect(updateConfig({ path, edit: patchEdit("{ logging: null }") })).rejects.toMatchObject({ problems: ["the current file does not parse; use config.apply"] });
    await expect(updateConfig({ path, edit: replaceEdit("{ nope") })).rejects.toMatchObject({ name: "ConfigError" });
    await expect(updateConfig({ path, edit: replaceEdit("[1]") })).rejects.toMatchObject({ problems: ["(root): must be an object"] });
    await updateConfig({ path, edit: replaceEdit('{ gateway: { mode: "local" } }') });
    expect((await readJson(path)).gateway).toEqual({ mode: "local" });
  });
});

describe("removeStaleTempFiles", () => {
  /** Above Linux's largest pid_max, so never a live process. */
  const DEAD_PID = 4_194_305;

  test("removes temp files of dead writers, of this process and old ones; keeps a live writer's fresh one and other files", async () => {
    const path = await configFile();
    const dir = join(path, "..");
    const names = {
      dead: `openclaw.json.${DEAD_PID}.0a1b2c3d.tmp`,
      ours: `openclaw.json.${process.pid}.99ff.tmp`,
      // Today's old naming and anything else matching `<config>.*.tmp`.
      legacy: `openclaw.json.${DEAD_PID}.1767225600000.tmp`,
      odd: "openclaw.json.partial.tmp",
      liveFresh: `openclaw.json.${process.ppid}.abcd.tmp`,
      liveOld: `openclaw.json.${process.ppid}.ef01.tmp`,
      otherConfig: `other.json.${DEAD_PID}.abcd.tmp`,
      backup: "openclaw.json.bak",
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), '{"gateway":{"auth":{"token":"secret"}}}', { mode: 0o600 });
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(join(dir, names.liveOld), twoMinutesAgo, twoMinutesAgo);

    const removed = await removeStaleTempFiles(path);
    expect(removed.map((file) => file.slice(dir.length + 1)).sort()).toEqual([names.dead, names.legacy, names.liveOld, names.odd, names.ours].sort());
    expect((await readdir(dir)).sort()).toEqual(["openclaw.json", names.backup, names.liveFresh, names.otherConfig].sort());
    expect(await removeStaleTempFiles(path)).toEqual([]);
  });

  test("never removes the temp file of an update of this process that is under way", async () => {
    const path = await configFile();
    const updates = Array.from({ length: 10 }, () => bump(path));
    const sweeps = Array.from({ length: 10 }, () => removeStaleTempFiles(path));
    await Promise.all([...updates, ...sweeps]);
    expect((await readJson(path)).meta.n).toBe(10);
    expect(await tempFiles(path)).toEqual([]);
  });

  test("a config dir that does not exist has nothing to remove", async () => {
    const path = await configFile(null);
    expect(await removeStaleTempFiles(join(path, "..", "missing", "openclaw.json"))).toEqual([]);
  });
});
