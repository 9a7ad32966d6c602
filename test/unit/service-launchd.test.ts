/** LaunchAgent plist and launchctl flows (runbook: bot.molt.* labels, legacy com.openclaw.* cleanup; user-needs E1). */
import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLaunchdManager, parseLaunchctlPrint } from "../../src/service/launchd.ts";
import { renderPlist } from "../../src/service/launchd-plist.ts";
import { ServiceError, type CommandRunner, type ServiceSpec } from "../../src/service/types.ts";

const root = await mkdtemp(join(tmpdir(), "openclaw-launchd-"));
afterAll(() => rm(root, { recursive: true, force: true }));
let dirCount = 0;

const spec = (over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  platform: "launchd",
  profile: null,
  name: "bot.molt.gateway",
  program: ["/usr/local/bin/openclaw", "gateway", "--port", "18789"],
  env: {
    HOME: "/Users/ada",
    OPENCLAW_SERVICE_MARKER: "openclaw",
    OPENCLAW_SERVICE_KIND: "gateway",
    OPENCLAW_SERVICE_VERSION: "2026.3.1",
    OPENCLAW_STATE_DIR: "/Users/ada/.openclaw",
    OPENCLAW_GATEWAY_PORT: "18789",
    OPENCLAW_PROFILE: "",
    PATH: "/usr/local/bin:/usr/bin:/bin",
  },
  workingDirectory: "/Users/ada/.openclaw",
  logDir: "/Users/ada/Library/Logs/openclaw",
  port: 18789,
  system: false,
  user: "ada",
  version: "2026.3.1",
  ...over,
});

/** Minimal well-formedness check: every tag closes in order, entities are known, one root. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>/, "").replace(/<!DOCTYPE[^>]*>/, "");
  expect(/&(?!(amp|lt|gt|quot|apos);)/.test(body)).toBe(false);
  const stack: string[] = [];
  let roots = 0;
  for (const [, close, name, selfClose] of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)(?:\s+[\w:.-]+="[^"<]*")*\s*(\/?)>/g)) {
    if (close) expect(stack.pop()).toBe(name!);
    else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  // Nothing outside tags may be a stray `<`.
  expect(body.replace(/<[^>]*>/g, "").includes("<")).toBe(false);
}

/** Answers like launchctl for the subcommands we use, keeping which labels are loaded; records argv. */
class FakeLaunchctl implements CommandRunner {
  calls: string[][] = [];
  loaded = new Map<string, { pid: number; lastExit: number | null }>();
  bootstrapFails = false;
  async run(command: string, args: readonly string[]) {
    this.calls.push([command, ...args]);
    const ok = (stdout = "") => ({ code: 0, stdout, stderr: "" });
    const [sub, target] = args;
    const label = (t: string | undefined) => t?.split("/")[2] ?? "";
    switch (sub) {
      case "enable":
        return ok();
      case "print": {
        const job = this.loaded.get(label(target));
        if (!job) return { code: 113, stdout: "", stderr: `Could not find service "${label(target)}" in domain for user gui: 501\n` };
        const state = job.pid ? "running" : "not running";
        return ok(`${target} = {\n\tactive count = 1\n\tstate = ${state}\n${job.pid ? `\tpid = ${job.pid}\n` : ""}\tlast exit code = ${job.lastExit ?? "(never exited)"}\n}\n`);
      }
      case "bootstrap": {
        if (this.bootstrapFails) return { code: 5, stdout: "", stderr: "Bootstrap failed: 5: Input/output error\n" };
        const file = args[2]!;
        const name = file.split("/").pop()!.replace(/\.plist$/, "");
        if (this.loaded.has(name)) return { code: 5, stdout: "", stderr: "Bootstrap failed: 5: Input/output error\n" };
        this.loaded.set(name, { pid: 4242, lastExit: null });
        return ok();
      }
      case "bootout":
        return this.loaded.delete(label(target)) ? ok() : { code: 3, stdout: "", stderr: "Boot-out failed: 3: No such process\n" };
      case "kickstart": {
        const job = this.loaded.get(label(args.at(-1)));
        if (!job) return { code: 113, stdout: "", stderr: "Could not find service\n" };
        if (args[1] === "-k" || !job.pid) job.pid += 1;
        return ok();
      }
    }
    return { code: 64, stdout: "", stderr: `unknown subcommand ${sub}` };
  }
}

async function setup() {
  const home = join(root, `home-${++dirCount}`);
  const runner = new FakeLaunchctl();
  const manager = createLaunchdManager({ runner, home, uid: 501, systemDirs: [join(home, "SystemLaunchDaemons")] });
  const agents = join(home, "Library", "LaunchAgents");
  return { home, runner, manager, agents, s: spec({ logDir: join(home, "Library", "Logs", "openclaw") }) };
}

test("plist matches the golden file and is well-formed XML", async () => {
  const plist = renderPlist(spec());
  expect(plist).toBe(await readFile(join(import.meta.dir, "../fixtures/service/bot.molt.gateway.plist"), "utf8"));
  assertWellFormedXml(plist);
});

test("plist escapes XML and never carries secrets or empty values", () => {
  const plist = renderPlist(spec({ program: ["/opt/a&b/<openclaw>", "gateway"], env: { OPENCLAW_GATEWAY_TOKEN: "s3cret", OPENCLAW_PROFILE: "", X: `"q'` } }));
  assertWellFormedXml(plist);
  expect(plist).toContain("<string>/opt/a&amp;b/&lt;openclaw&gt;</string>");
  expect(plist).toContain("<string>&quot;q&apos;</string>");
  expect(plist).not.toContain("s3cret");
  expect(plist).not.toContain("OPENCLAW_PROFILE");
});

test("parseLaunchctlPrint reads state, pid and last exit code", () => {
  expect(parseLaunchctlPrint("gui/501/x = {\n\tstate = running\n\tpid = 77\n\tlast exit code = 78\n}")).toEqual({ state: "running", pid: 77, lastExitCode: 78 });
  expect(parseLaunchctlPrint("\tstate = not running\n\tlast exit code = (never exited)\n")).toEqual({ state: "not running", pid: null, lastExitCode: null });
});

test("install writes, enables and bootstraps; the same install again is a no-op; --force rewrites", async () => {
  const { runner, manager, agents, s } = await setup();
  const first = await manager.install(s, { force: false });
  expect(first.outcome).toBe("installed");
  expect(first.file).toBe(join(agents, "bot.molt.gateway.plist"));
  expect(await readFile(first.file, "utf8")).toBe(renderPlist(s));
  expect(runner.calls.filter((c) => c[1] !== "print")).toEqual([
    ["launchctl", "enable", "gui/501/bot.molt.gateway"],
    ["launchctl", "bootstrap", "gui/501", first.file],
  ]);

  runner.calls = [];
  expect((await manager.install(s, { force: false })).outcome).toBe("unchanged");
  expect(runner.calls.filter((c) => c[1] !== "print")).toEqual([]);

  runner.calls = [];
  expect((await manager.install(s, { force: true })).outcome).toBe("reinstalled");
  expect(runner.calls.filter((c) => c[1] !== "print").map((c) => c[1])).toEqual(["bootout", "enable", "bootstrap"]);
});

test("a changed spec reloads the job; legacy com.openclaw.* plists are booted out and removed", async () => {
  const { runner, manager, agents, s } = await setup();
  await manager.install(s, { force: false });
  await writeFile(join(agents, "com.openclaw.gateway.plist"), "<plist/>");
  runner.loaded.set("com.openclaw.gateway", { pid: 9, lastExit: null });
  const result = await manager.install(spec({ ...s, port: 19000, program: ["/usr/local/bin/openclaw", "gateway", "--port", "19000"] }), { force: false });
  expect(result.outcome).toBe("reinstalled");
  expect(result.notes.join("\n")).toContain("Removed legacy LaunchAgent com.openclaw.gateway (booted out)");
  expect(await Bun.file(join(agents, "com.openclaw.gateway.plist")).exists()).toBe(false);
  expect(runner.loaded.has("com.openclaw.gateway")).toBe(false);
  expect(await readFile(result.file, "utf8")).toContain("<string>19000</string>");
});

test("stop boots out, start bootstraps again, restart is kickstart -k, start when loaded kickstarts", async () => {
  const { runner, manager, s } = await setup();
  await manager.install(s, { force: false });
  await manager.stop(s);
  expect((await manager.status(s)).loaded).toBe(false);
  await manager.stop(s); // stopping a stopped service is fine
  runner.calls = [];
  await manager.start(s);
  expect(runner.calls.map((c) => c[1])).toEqual(["print", "enable", "bootstrap"]);
  runner.calls = [];
  await manager.restart(s);
  expect(runner.calls.at(-1)).toEqual(["launchctl", "kickstart", "-k", "gui/501/bot.molt.gateway"]);
  runner.calls = [];
  await manager.start(s);
  expect(runner.calls.at(-1)).toEqual(["launchctl", "kickstart", "gui/501/bot.molt.gateway"]);
});

test("status reports running pid, and explains a config-error exit", async () => {
  const { runner, manager, s, agents } = await setup();
  expect(await manager.status(s)).toMatchObject({ installed: false, loaded: false, running: false, file: null });
  await manager.install(s, { force: false });
  expect(await manager.status(s)).toMatchObject({ installed: true, loaded: true, running: true, pid: 4242, file: join(agents, "bot.molt.gateway.plist") });
  runner.loaded.set("bot.molt.gateway", { pid: 0, lastExit: 78 });
  const status = await manager.status(s);
  expect(status).toMatchObject({ running: false, pid: null, lastExitCode: 78 });
  expect(status.detail).toContain("invalid config");
});

test("start without a plist and a failing bootstrap raise ServiceError", async () => {
  const { runner, manager, s } = await setup();
  await expect(manager.start(s)).rejects.toThrow(/not installed/);
  runner.bootstrapFails = true;
  const error = await manager.install(s, { force: false }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as Error).name).toBe("ServiceError");
  expect((error as Error).message).toContain("Input/output error");
});

test("uninstall boots out and removes; audit and others", async () => {
  const { runner, manager, s, agents, home } = await setup();
  expect(await manager.audit(s)).toEqual([{ key: "file", expected: join(agents, "bot.molt.gateway.plist"), actual: null }]);
  await manager.install(s, { force: false });
  expect(await manager.audit(s)).toEqual([]);
  await mkdir(join(home, "SystemLaunchDaemons"), { recursive: true });
  for (const f of ["ai.openclaw.gateway.plist", "com.clawdbot.gateway.plist", "com.apple.x.plist"]) await writeFile(join(agents, f), "");
  await writeFile(join(home, "SystemLaunchDaemons", "ai.openclaw.node.plist"), "");
  expect(await manager.others({ deep: false })).toEqual([join(agents, "ai.openclaw.gateway.plist"), join(agents, "com.clawdbot.gateway.plist")]);
  expect(await manager.others({ deep: true })).toContain(join(home, "SystemLaunchDaemons", "ai.openclaw.node.plist"));
  const removed = await manager.uninstall(s);
  expect(removed.removed).toBe(true);
  expect(runner.loaded.has("bot.molt.gateway")).toBe(false);
  expect(await Bun.file(join(agents, "bot.molt.gateway.plist")).exists()).toBe(false);
  expect((await manager.uninstall(s)).removed).toBe(false);
});
