/**
 * `openclaw gateway status` through the real CLI with a fake `systemctl` first on PATH: the
 * supervisor's answer comes from FAKE_SYSTEMD_SHOW, so "systemd says running" and "the gateway
 * answers" can be set apart. HOME, the unit dir and the log dir are all in a temp dir.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startGatewayProcess, UNREACHABLE_URL } from "../helpers/cli.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const ACTIVE = "LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nExecMainStatus=1\nExecMainExitTimestamp=@1700000000";
const DOWN = "LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\nExecMainStatus=0\nExecMainExitTimestamp=";

async function machine() {
  const home = await mkdtemp(join(tmpdir(), "openclaw-gw-status-"));
  dirs.push(home);
  const bin = join(home, "bin");
  await mkdir(bin);
  // `show` prints whatever the test put in FAKE_SYSTEMD_SHOW; everything else succeeds silently.
  await writeFile(join(bin, "systemctl"), `#!/bin/sh\ncase "$*" in *" show "*|"show "*) printf '%s\\n' "$FAKE_SYSTEMD_SHOW";; esac\nexit 0\n`);
  await writeFile(join(bin, "loginctl"), `#!/bin/sh\necho "Linger=yes"\n`);
  await chmod(join(bin, "systemctl"), 0o755);
  await chmod(join(bin, "loginctl"), 0o755);
  const env = { PATH: `${bin}:/usr/bin:/bin`, USER: "alice" };
  return {
    home,
    unit: join(home, ".config", "systemd", "user", "openclaw-gateway.service"),
    run: (args: string[], show: string) => runCli(args, { home, env: { ...env, FAKE_SYSTEMD_SHOW: show } }),
  };
}

describe("openclaw gateway status", () => {
  test("service not installed and nothing listening: both reported, exit 1", async () => {
    const m = await machine();
    const result = await m.run(["gateway", "status", "--json", "--url", UNREACHABLE_URL], DOWN);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(["config", "otherServices", "rpc", "service"]);
    expect(report.service).toEqual({
      platform: "systemd",
      name: "openclaw-gateway.service",
      installed: false,
      file: null,
      loaded: false,
      running: false,
      pid: null,
      lastExitCode: null,
      lastExitAt: null,
    });
    expect(report.rpc.url).toBe(UNREACHABLE_URL);
    expect(report.rpc.ok).toBe(false);
    expect(report.rpc.error).toContain("gateway not reachable");
    expect(report.config).toEqual({ cli: join(m.home, ".openclaw", "openclaw.json"), service: null, mismatch: false });
    expect(report.otherServices).toEqual([]);

    const skipped = await m.run(["gateway", "status", "--no-probe", "--url", UNREACHABLE_URL], DOWN);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain("Service: openclaw-gateway.service (systemd) not installed");
    expect(skipped.stdout).toContain(`RPC: ${UNREACHABLE_URL} not probed`);
  });

  test("installed and running per systemd but unreachable: the log's last error line, config mismatch, other services", async () => {
    const m = await machine();
    expect((await m.run(["gateway", "install", "--force"], ACTIVE)).code).toBe(0);
    // The unit was installed for another config; a foreign unit sits next to it.
    const other = join(m.home, "elsewhere", "openclaw.json");
    const text = await Bun.file(m.unit).text();
    await writeFile(m.unit, text.replace(/OPENCLAW_CONFIG_PATH=.*/, `OPENCLAW_CONFIG_PATH=${other}`));
    await writeFile(join(m.home, ".config", "systemd", "user", "clawdbot-gateway.service"), "[Service]\nExecStart=/usr/bin/clawdbot\n");
    const logDir = join(m.home, "logs");
    await mkdir(logDir, { recursive: true });
    const line = (level: string, message: string) => JSON.stringify({ time: "2024-05-01T10:00:00.000Z", level, subsystem: "gateway", message });
    // HOME is the temp dir, so its state dir is ~/.openclaw and the daily files are `openclaw-<date>.log`.
    const prefix = "openclaw";
    await writeFile(join(logDir, `${prefix}-2024-04-30.log`), `${line("error", "old failure")}\n`);
    await writeFile(join(logDir, `${prefix}-2024-05-01.log`), [line("info", "starting"), line("error", "port 18789 is in use"), line("info", "retrying")].join("\n") + "\n");

    const result = await m.run(["gateway", "status", "--json", "--url", UNREACHABLE_URL], ACTIVE);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.service).toMatchObject({ installed: true, file: m.unit, loaded: true, running: true, pid: 4242, lastExitCode: 1, lastExitAt: 1_700_000_000_000 });
    expect(report.rpc.ok).toBe(false);
    expect(report.config).toEqual({ cli: join(m.home, ".openclaw", "openclaw.json"), service: other, mismatch: true });
    expect(report.lastErrorLine).toContain("port 18789 is in use");
    expect(report.otherServices).toEqual([join(m.home, ".config", "systemd", "user", "clawdbot-gateway.service")]);

    const human = await m.run(["gateway", "status", "--url", UNREACHABLE_URL], ACTIVE);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`Service: openclaw-gateway.service (systemd) loaded, running, pid 4242 — ${m.unit}`);
    expect(human.stdout).toContain(`RPC: ${UNREACHABLE_URL} failed: gateway not reachable`);
    expect(human.stdout).toContain("warn: the service uses a different config than this CLI");
    expect(human.stdout).toMatch(/Last error in the gateway log: .*port 18789 is in use/);
    expect(human.stdout).toContain("warn: another gateway service is installed:");
  });

  test("healthy: a real gateway answers the probe, exit 0", async () => {
    const m = await machine();
    const gateway = await startGatewayProcess(["--port", "0", "--allow-unconfigured"], { home: m.home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    try {
      const url = `ws://127.0.0.1:${gateway.port}`;
      const result = await m.run(["gateway", "status", "--json", "--url", url], ACTIVE);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.rpc).toMatchObject({ url, ok: true });
      expect(report.rpc.status.gateway.port).toBe(gateway.port);
      expect(report.lastErrorLine).toBeUndefined();
    } finally {
      await gateway.stop();
    }
  });
});
