/**
 * The systemd unit the gateway installs (golden files, compared whole), the spec it is built
 * from, and the manager's flows against recording fake `systemctl`/`loginctl` executables.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveOptions } from "../../src/config/load.ts";
import { resolvePaths } from "../../src/config/paths.ts";
import { managerFor } from "../../src/service/manager-for.ts";
import { spawnRunner } from "../../src/service/runner.ts";
import { buildServiceSpec, serviceName, stableBinaryPath } from "../../src/service/spec.ts";
import { parseTimestamp, systemdManager } from "../../src/service/systemd.ts";
import { ServiceError, type ServiceSpec } from "../../src/service/types.ts";

const FIXTURES = new URL("../fixtures/service/", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  dirs.push(await mkdtemp(join(tmpdir(), "openclaw-systemd-")));
  return dirs.at(-1)!;
}

function spec(profile: string | undefined, extra: { system?: boolean; execPath?: string; force?: boolean; entry?: string } = {}): ServiceSpec {
  const env = { OPENCLAW_HOME: "/home/alice", OPENCLAW_VERSION: "2026.1.2" };
  const paths = resolvePaths(profile ? { profile } : {}, env);
  const options = resolveOptions(paths, { path: paths.configPath, exists: false, raw: null, config: {}, warnings: [] } as never, env);
  return buildServiceSpec({
    options,
    platform: "systemd",
    system: extra.system,
    force: extra.force,
    entry: extra.entry,
    execPath: extra.execPath ?? "/usr/local/bin/openclaw",
    user: "alice",
    home: "/home/alice",
  });
}

/** Compares whole; `UPDATE_GOLDEN=1` rewrites the fixture instead. */
async function golden(name: string, actual: string): Promise<void> {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === "1") await writeFile(path, actual);
  expect(actual).toBe(await readFile(path, "utf8"));
}

describe("the rendered unit", () => {
  const manager = systemdManager({ runner: spawnRunner({ env: {} }), home: "/home/alice", user: "alice", systemDir: "/etc/systemd/system" });

  test("user unit, default profile", async () => {
    const [file] = manager.render(spec(undefined));
    expect(file!.path).toBe("/home/alice/.config/systemd/user/openclaw-gateway.service");
    await golden("openclaw-gateway.user.service", String(file!.contents));
  });

  test("system unit for a profile", async () => {
    const [file] = manager.render(spec("work", { system: true }));
    expect(file!.path).toBe("/etc/systemd/system/openclaw-gateway-work.service");
    await golden("openclaw-gateway-work.system.service", String(file!.contents));
  });

  test("never holds a secret, and quotes words systemd would split or expand", () => {
    const s = spec(undefined, { execPath: "/opt/my apps/100%/openclaw" });
    const text = String(manager.render(s)[0]!.contents);
    expect(text).toContain('ExecStart="/opt/my apps/100%%/openclaw" gateway --port 18789\n');
    expect(text).not.toContain("TOKEN");
  });

  const analyze = Bun.which("systemd-analyze");
  test.skipIf(!analyze)("systemd-analyze verify accepts the units (skipped when systemd-analyze is absent)", async () => {
    const dir = await tempDir();
    for (const [name, s] of [["openclaw-gateway.service", spec(undefined, { execPath: "/bin/true" })], ["openclaw-gateway-work.service", spec("work", { system: true, execPath: "/bin/true" })]] as const) {
      const path = join(dir, name);
      await writeFile(path, String(manager.render({ ...s, user: "root", workingDirectory: "/" })[0]!.contents));
      const proc = Bun.spawn([analyze!, "verify", path], { stdout: "pipe", stderr: "pipe" });
      const [stderr, code] = [await new Response(proc.stderr).text(), await proc.exited];
      // Lines about *other* units on this machine are not ours to judge.
      const ours = stderr.split("\n").filter((line) => line.includes(name));
      expect({ code, ours }).toEqual({ code: 0, ours: [] });
    }
  });
});

describe("the spec", () => {
  test("names per profile and platform", () => {
    expect(serviceName("systemd", null)).toBe("openclaw-gateway.service");
    expect(serviceName("systemd", "work")).toBe("openclaw-gateway-work.service");
    expect(serviceName("launchd", null)).toBe("bot.molt.gateway");
    expect(serviceName("launchd", "work")).toBe("bot.molt.work");
    expect(serviceName("windows", "work")).toBe("OpenClaw Gateway (work)");
    expect(spec("dev").program).toEqual(["/usr/local/bin/openclaw", "gateway", "--port", "19001"]);
  });

  test("a Homebrew Cellar binary is named by its opt/ path", () => {
    expect(stableBinaryPath("/opt/homebrew/Cellar/openclaw/2026.1.2/bin/openclaw")).toBe("/opt/homebrew/opt/openclaw/bin/openclaw");
    expect(stableBinaryPath("/usr/local/bin/openclaw")).toBe("/usr/local/bin/openclaw");
  });

  test("running from source is refused unless forced", () => {
    expect(() => spec(undefined, { execPath: "/usr/bin/bun", entry: "/src/openclaw/src/main.ts" })).toThrow(ServiceError);
    expect(spec(undefined, { execPath: "/usr/bin/bun", entry: "/src/main.ts", force: true }).program).toEqual(["/usr/bin/bun", "/src/main.ts", "gateway", "--port", "18789"]);
  });

  test("carries the markers and paths, nothing else", () => {
    expect(spec("work").env).toEqual({
      OPENCLAW_SERVICE_MARKER: "openclaw",
      OPENCLAW_SERVICE_KIND: "gateway",
      OPENCLAW_SERVICE_VERSION: "2026.1.2",
      OPENCLAW_PROFILE: "work",
      OPENCLAW_STATE_DIR: "/home/alice/.openclaw-work",
      OPENCLAW_CONFIG_PATH: "/home/alice/.openclaw-work/openclaw.json",
      OPENCLAW_GATEWAY_PORT: "18789",
      OPENCLAW_SYSTEMD_UNIT: "openclaw-gateway-work.service",
    });
  });
});

/** Fake systemctl/loginctl that log their argv and answer like the real ones. */
async function fakes(): Promise<{ home: string; log: () => Promise<string[]>; env: Record<string, string> }> {
  const home = await tempDir();
  const bin = join(home, "bin");
  await mkdir(bin);
  const logFile = join(home, "calls.log");
  await writeFile(
    join(bin, "systemctl"),
    `#!/bin/sh
echo "systemctl $*" >> "${logFile}"
if [ -n "$FAKE_NO_BUS" ] && [ "$1" = "--user" ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi
case "$*" in *" show "*) printf 'LoadState=loaded\\nActiveState=active\\nSubState=running\\nMainPID=4242\\nExecMainStatus=0\\nExecMainExitTimestamp=\\n';; esac
exit 0
`,
  );
  await writeFile(
    join(bin, "loginctl"),
    `#!/bin/sh
echo "loginctl $*" >> "${logFile}"
case "$1" in show-user) echo "Linger=\${FAKE_LINGER:-no}";; enable-linger) exit \${FAKE_LINGER_EXIT:-0};; esac
`,
  );
  await chmod(join(bin, "systemctl"), 0o755);
  await chmod(join(bin, "loginctl"), 0o755);
  return { home, env: { PATH: `${bin}:/usr/bin:/bin` }, log: async () => (await readFile(logFile, "utf8").catch(() => "")).split("\n").filter(Boolean) };
}

describe("the manager against fake systemctl", () => {
  test("install writes, reloads, enables; a second install is a no-op; uninstall removes", async () => {
    const f = await fakes();
    const manager = managerFor("linux", { runner: spawnRunner({ env: f.env }), home: f.home, user: "alice" });
    const s = { ...spec(undefined), workingDirectory: f.home };
    const first = await manager.install(s, { force: false });
    expect(first.outcome).toBe("installed");
    expect(first.notes).toEqual(["enabled linger for alice, so the gateway keeps running after you log out"]);
    expect(await readFile(first.file, "utf8")).toBe(String(manager.render(s)[0]!.contents));
    expect(await manager.audit(s)).toEqual([]);
    expect((await manager.install(s, { force: false })).outcome).toBe("unchanged");
    expect(await f.log()).toEqual([
      "loginctl show-user alice -p Linger",
      "loginctl enable-linger alice",
      "systemctl --user show-environment",
      "systemctl --user daemon-reload",
      "systemctl --user enable --now openclaw-gateway.service",
      "loginctl show-user alice -p Linger",
      "loginctl enable-linger alice",
    ]);
    const status = await manager.status(s);
    expect(status).toMatchObject({ installed: true, loaded: true, running: true, pid: 4242, lastExitCode: null, lastExitAt: null });
    expect((await manager.uninstall(s)).removed).toBe(true);
    expect(await manager.audit(s)).toEqual([{ key: "file", expected: first.file, actual: null }]);
  });

  test("a missing user bus is a ServiceError naming --system and linger, and writes nothing", async () => {
    const f = await fakes();
    const manager = systemdManager({ runner: spawnRunner({ env: { ...f.env, FAKE_NO_BUS: "1" } }), home: f.home, user: "alice" });
    const s = spec(undefined);
    const error = await manager.install(s, { force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toContain("--system");
    expect((error as Error).message).toContain("enable-linger alice");
    expect(await Bun.file(manager.render(s)[0]!.path).exists()).toBe(false);
  });

  test("others() lists gateway units not written by this build", async () => {
    const f = await fakes();
    const dir = join(f.home, ".config", "systemd", "user");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "clawdbot-gateway.service"), "[Unit]\n");
    await writeFile(join(dir, "openclaw-gateway-old.service"), "[Unit]\n");
    await writeFile(join(dir, "unrelated.service"), "[Unit]\n");
    const manager = systemdManager({ runner: spawnRunner({ env: f.env }), home: f.home, user: "alice" });
    await manager.install({ ...spec(undefined), workingDirectory: f.home }, { force: false });
    expect(await manager.others({ deep: false })).toEqual([join(dir, "clawdbot-gateway.service"), join(dir, "openclaw-gateway-old.service")]);
  });

  test("exit timestamps", () => {
    expect(parseTimestamp("")).toBeNull();
    expect(parseTimestamp("@1700000000")).toBe(1_700_000_000_000);
    expect(parseTimestamp("Mon 2026-01-05 10:00:00 UTC")).toBe(Date.UTC(2026, 0, 5, 10));
  });
});
