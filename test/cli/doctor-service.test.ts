/**
 * `openclaw doctor` auditing the installed systemd unit, with fake `systemctl`/`loginctl` first
 * on PATH that log their argv; HOME is a temp dir, so the unit is never the machine's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function machine() {
  const home = await mkdtemp(join(tmpdir(), "openclaw-doctor-service-"));
  dirs.push(home);
  const bin = join(home, "bin");
  await mkdir(bin);
  const calls = join(home, "calls.log");
  for (const [name, body] of [["systemctl", "exit 0"], ["loginctl", 'echo "Linger=yes"']] as const) {
    await writeFile(join(bin, name), `#!/bin/sh\necho "$(basename "$0") $*" >> "${calls}"\n${body}\n`);
    await chmod(join(bin, name), 0o755);
  }
  const env = { PATH: `${bin}:/usr/bin:/bin`, USER: "alice", OPENCLAW_SKIP_CANVAS_HOST: "1" };
  return {
    unit: join(home, ".config", "systemd", "user", "openclaw-gateway.service"),
    run: (args: string[]) => runCli(args, { home, env }),
    calls: async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean),
  };
}

const serviceCheck = (stdout: string) => (JSON.parse(stdout).checks as { id: string; status: string; message: string; fix?: string }[]).find((c) => c.id === "service");

describe("openclaw doctor and the installed service", () => {
  test("nothing installed: one info line", async () => {
    const m = await machine();
    const result = await m.run(["doctor", "--json"]);
    expect(serviceCheck(result.stdout)).toEqual({ id: "service", status: "ok", message: "gateway service openclaw-gateway.service is not installed" });
  });

  test("a drifted unit is a warning, and --fix --yes rewrites it", async () => {
    const m = await machine();
    expect((await m.run(["gateway", "install", "--force"])).code).toBe(0);
    const written = await readFile(m.unit, "utf8");
    expect(serviceCheck((await m.run(["doctor", "--json"])).stdout)?.status).toBe("ok");

    const port = /--port (\d+)/.exec(written)![1]!;
    await writeFile(m.unit, written.replaceAll(port, "19999"));
    const drifted = serviceCheck((await m.run(["doctor", "--json"])).stdout)!;
    expect(drifted.status).toBe("warn");
    expect(drifted.message).toContain("Service.ExecStart: installed");
    expect(drifted.message).toContain("--port 19999");
    expect(drifted.message).toContain("OPENCLAW_GATEWAY_PORT=19999");
    expect(drifted.fix).toBe("run: openclaw gateway install --force");
    const human = await m.run(["doctor"]);
    expect(human.stdout).toContain("run: openclaw gateway install --force");
    expect(human.stdout).toContain("doctor --fix");

    const fixed = await m.run(["doctor", "--fix", "--yes"]);
    expect(fixed.stdout).toContain(`rewrote openclaw-gateway.service (${m.unit}) and restarted it`);
    expect(await readFile(m.unit, "utf8")).toBe(written);
    expect((await m.calls()).at(-1)).toBe("systemctl --user restart openclaw-gateway.service");
    expect(serviceCheck((await m.run(["doctor", "--json"])).stdout)?.status).toBe("ok");
  });
});
