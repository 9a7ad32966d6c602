/**
 * `openclaw update` run as the real compiled binary (releases from buildTestRelease, host
 * target) against 127.0.0.1:0: --check (text and JSON), a bad checksum refused with nothing
 * changed, the upgrade with the installed service restarted through the fake systemctl of
 * test/cli/service-linux.test.ts, "up to date", --rollback, and a copy under node_modules
 * refused with the npm command.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliEnv } from "../helpers/cli.ts";
import { buildTestRelease, hostTarget } from "../helpers/release-build.ts";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server.ts";
import { sha256File, versionOf } from "./install-run.ts";

const V1 = "0.1.0-test.1";
const V2 = "0.1.0-test.2";
let v1Binary: string;
let server: ReleaseServer;
let root: string;

beforeAll(async () => {
  const [r1, r2] = await Promise.all([buildTestRelease({ version: V1 }), buildTestRelease({ version: V2 })]);
  v1Binary = join(r1.dir, "bin", `openclaw-${hostTarget()}${hostTarget().startsWith("windows") ? ".exe" : ""}`);
  server = startReleaseServer(r2.out);
  root = await mkdtemp(join(tmpdir(), "openclaw-update-bin-"));
}, 120_000);
afterAll(async () => {
  server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** HOME with a fake systemctl first on PATH that logs its argv. */
async function home(name: string) {
  const dir = join(root, name);
  const bin = join(dir, "fake-bin");
  await mkdir(bin, { recursive: true });
  const log = join(dir, "calls.log");
  await writeFile(join(bin, "systemctl"), `#!/bin/sh\necho "systemctl $*" >> "${log}"\nexit 0\n`);
  await chmod(join(bin, "systemctl"), 0o755);
  const env = cliEnv(dir, { PATH: `${bin}:/usr/bin:/bin`, USER: "alice", OPENCLAW_INSTALL_BASE: server.base });
  return {
    dir,
    calls: async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean),
    async run(binary: string, args: string[]) {
      const proc = Bun.spawn([binary, ...args], { env, cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}

async function install(at: string): Promise<string> {
  await mkdir(at, { recursive: true });
  const bin = join(at, "openclaw");
  await copyFile(v1Binary, bin);
  await chmod(bin, 0o755);
  return bin;
}

const archive = `${V2}/openclaw-${V2}-${hostTarget()}.tar.gz`;

describe.skipIf(process.platform !== "linux")("openclaw update (compiled binary)", () => {
  test("check, bad checksum, upgrade with service restart, up to date, rollback", async () => {
    const h = await home("self");
    const bin = await install(join(h.dir, ".local", "bin"));

    const check = await h.run(bin, ["update", "--check"]);
    expect(check).toMatchObject({ code: 0, stderr: "" });
    expect(check.stdout).toBe(`update available: openclaw ${V1} -> ${V2} (${hostTarget()}); run: openclaw update\n`);
    const json = await h.run(bin, ["update", "--check", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ current: V1, available: V2, updateAvailable: true, installKind: "self", target: hostTarget() });

    const hash = await sha256File(bin);
    server.corrupt(archive);
    const bad = await h.run(bin, ["update"]).finally(() => server.restore(archive));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: checksum mismatch for .*: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; refused, nothing changed\n$/);
    expect(await sha256File(bin)).toBe(hash);
    expect(await readdir(join(h.dir, ".local", "bin"))).toEqual(["openclaw"]);

    const unit = join(h.dir, ".config", "systemd", "user", "openclaw-gateway.service");
    await mkdir(join(unit, ".."), { recursive: true });
    await writeFile(unit, "[Unit]\nDescription=test\n");
    const started = performance.now();
    const update = await h.run(bin, ["update"]);
    const ms = performance.now() - started;
    expect(update.stderr).toBe("");
    expect(update.code).toBe(0);
    expect(update.stdout).toBe(
      `updated ${bin}: openclaw ${V1} -> ${V2} (${hostTarget()}); the old one is kept as ${bin}.previous (undo: openclaw update --rollback)\n` +
        "restarted the gateway service openclaw-gateway.service, so it runs the new binary\n",
    );
    console.log(`openclaw update (real binary, loopback): ${ms.toFixed(0)} ms`);
    expect(await h.calls()).toEqual(["systemctl --user restart --no-block openclaw-gateway.service"]);
    expect((await versionOf(bin)).split(" ")[1]).toBe(V2);
    expect(await sha256File(`${bin}.previous`)).toBe(hash);

    const again = await h.run(bin, ["update"]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(again.stdout).toBe(`openclaw ${V2} is up to date (latest: ${V2}, ${hostTarget()})\n`);

    const rollback = await h.run(bin, ["update", "--rollback"]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toStartWith(`rolled back ${bin}: now openclaw ${V1} (`);
    expect(await sha256File(bin)).toBe(hash);
    expect((await versionOf(`${bin}.previous`)).split(" ")[1]).toBe(V2);
  }, 90_000);

  test("a copy under node_modules is left to npm; bad --version is refused", async () => {
    const h = await home("npm");
    const bin = await install(join(h.dir, "lib", "node_modules", "openclaw-gateway-bun-linux-x64", "bin"));
    const hash = await sha256File(bin);
    const before = server.requests();
    const result = await h.run(bin, ["update"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: this openclaw was installed with npm (${bin}); update it with: npm install -g openclaw-gateway-bun@latest\n`);
    expect(server.requests()).toBe(before);
    const check = await h.run(bin, ["update", "--check"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("note: this openclaw was installed with npm");
    expect(await sha256File(bin)).toBe(hash);

    const self = await home("bad-version");
    const selfBin = await install(join(self.dir, "bin"));
    const wrong = await self.run(selfBin, ["update", "--version", "../../etc"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('error: --version is not a version (e.g. 0.1.0): "../../etc"\n');
  }, 60_000);
});
