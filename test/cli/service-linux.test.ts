/**
 * `openclaw gateway install|uninstall|start|stop|restart` through the real CLI, with fake
 * `systemctl`/`loginctl` first on PATH that log their argv. HOME is a temp dir, so the unit
 * lands in `<temp>/.config/systemd/user`, never the machine's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function machine() {
  const home = await mkdtemp(join(tmpdir(), "openclaw-service-"));
  dirs.push(home);
  const bin = join(home, "bin");
  await mkdir(bin);
  const logFile = join(home, "calls.log");
  const script = (body: string) => `#!/bin/sh\necho "$(basename "$0") $*" >> "${logFile}"\n${body}\n`;
  await writeFile(
    join(bin, "systemctl"),
    script(`if [ -n "$FAKE_NO_BUS" ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi\nexit 0`),
  );
  await writeFile(join(bin, "loginctl"), script(`case "$1" in show-user) echo "Linger=yes";; esac`));
  await chmod(join(bin, "systemctl"), 0o755);
  await chmod(join(bin, "loginctl"), 0o755);
  const env = { PATH: `${bin}:/usr/bin:/bin`, USER: "alice" };
  return {
    home,
    unitDir: join(home, ".config", "systemd", "user"),
    run: (args: string[], extra: Record<string, string> = {}) => runCli(args, { home, env: { ...env, ...extra } }),
    /** The calls so far, then forgets them. */
    async calls(): Promise<string[]> {
      const lines = (await readFile(logFile, "utf8").catch(() => "")).split("\n").filter(Boolean);
      await rm(logFile, { force: true });
      return lines;
    },
  };
}

describe("openclaw gateway install on systemd", () => {
  test("from source it is refused without --force", async () => {
    const m = await machine();
    const result = await m.run(["gateway", "install"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("runs from source");
    expect(result.stderr).toContain("--force");
    expect(await m.calls()).toEqual([]);
  });

  test("install, reinstall with --force, start, stop, restart, uninstall", async () => {
    const m = await machine();
    const install = await m.run(["gateway", "install", "--force", "--port", "18790"]);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
    const unit = join(m.unitDir, "openclaw-gateway.service");
    expect(install.stdout).toContain(`openclaw-gateway.service installed and started (${unit}), gateway on port 18790`);
    const text = await readFile(unit, "utf8");
    expect(text).toContain("gateway --port 18790\n");
    expect(text).toContain("Environment=OPENCLAW_SERVICE_MARKER=openclaw\n");
    expect(await m.calls()).toEqual([
      "loginctl show-user alice -p Linger",
      "systemctl --user show-environment",
      "systemctl --user daemon-reload",
      "systemctl --user enable --now openclaw-gateway.service",
    ]);

    const again = await m.run(["gateway", "install", "--force", "--port", "18790"]);
    expect(again.stdout).toContain("rewritten and restarted");
    expect(await readFile(unit, "utf8")).toBe(text);
    expect((await m.calls()).at(-1)).toBe("systemctl --user restart openclaw-gateway.service");

    for (const [verb, call] of [["start", "start"], ["stop", "stop"], ["restart", "restart --no-block"]] as const) {
      const result = await m.run(["gateway", verb]);
      expect(result.code).toBe(0);
      expect(await m.calls()).toEqual([`systemctl --user ${call} openclaw-gateway.service`]);
    }

    const uninstall = await m.run(["gateway", "uninstall"]);
    expect(uninstall.stdout).toBe("openclaw-gateway.service stopped and removed\n");
    expect(await Bun.file(unit).exists()).toBe(false);
    expect(await m.calls()).toEqual(["systemctl --user disable --now openclaw-gateway.service", "systemctl --user daemon-reload"]);

    const start = await m.run(["gateway", "start"]);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("openclaw-gateway.service is not installed");
  });

  test("a profile gets its own unit", async () => {
    const m = await machine();
    const result = await m.run(["--profile", "work", "gateway", "install", "--force"]);
    expect(result.code).toBe(0);
    const text = await readFile(join(m.unitDir, "openclaw-gateway-work.service"), "utf8");
    expect(text).toContain("Environment=OPENCLAW_PROFILE=work\n");
    expect(text).toContain(`Environment=OPENCLAW_STATE_DIR=${join(m.home, ".openclaw-work")}\n`);
  });

  test("without a user bus it says what to do and writes nothing", async () => {
    const m = await machine();
    const result = await m.run(["gateway", "install", "--force"], { FAKE_NO_BUS: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: systemctl --user cannot reach your user's systemd");
    expect(result.stderr).toContain("--system");
    expect(result.stderr).toContain("sudo loginctl enable-linger alice");
    expect(await Bun.file(join(m.unitDir, "openclaw-gateway.service")).exists()).toBe(false);
  });
});
