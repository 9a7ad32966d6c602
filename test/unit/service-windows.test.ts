/** Windows Scheduled Task XML, hidden .vbs launcher and schtasks flows (runbook: `OpenClaw Gateway (<profile>)`; user-needs E3). */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWindowsManager, parseSchtasksList } from "../../src/service/windows.ts";
import { renderLauncher, renderStartupLauncher } from "../../src/service/windows-launcher.ts";
import { encodeUtf16LeBom, renderTaskXml } from "../../src/service/windows-task-xml.ts";
import { ServiceError, type CommandRunner, type ServiceSpec } from "../../src/service/types.ts";

const root = await mkdtemp(join(tmpdir(), "openclaw-windows-"));
afterAll(() => rm(root, { recursive: true, force: true }));
const fixture = (name: string) => readFile(join(import.meta.dir, "../fixtures/service", name), "utf8");
let dirCount = 0;

const spec = (over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  platform: "windows",
  profile: "work",
  name: "OpenClaw Gateway (work)",
  program: ["C:\\Users\\ada\\AppData\\Local\\OpenClaw\\openclaw.exe", "gateway", "--port", "18790"],
  env: {
    OPENCLAW_PROFILE: "work",
    OPENCLAW_SERVICE_MARKER: "openclaw",
    OPENCLAW_SERVICE_KIND: "gateway",
    OPENCLAW_SERVICE_VERSION: "2026.3.1",
    OPENCLAW_STATE_DIR: "C:\\Users\\ada\\.openclaw-work",
    OPENCLAW_GATEWAY_PORT: "18790",
    OPENCLAW_GATEWAY_TOKEN: "never-written",
  },
  workingDirectory: "C:\\Users\\ada\\.openclaw-work",
  logDir: "C:\\Users\\ada\\.openclaw-work\\logs",
  port: 18790,
  system: false,
  user: "ada",
  version: "2026.3.1",
  ...over,
});
const launcherWin = "C:\\Users\\ada\\.openclaw-work\\gateway-work.vbs";

function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>/, "");
  expect(/&(?!(amp|lt|gt|quot|apos);)/.test(body)).toBe(false);
  const stack: string[] = [];
  for (const [, close, name, selfClose] of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)(?:\s+[\w:.-]+="[^"<]*")*\s*(\/?)>/g)) {
    if (close) expect(stack.pop()).toBe(name!);
    else if (!selfClose) stack.push(name!);
  }
  expect(stack).toEqual([]);
  expect(body.replace(/<[^>]*>/g, "").includes("<")).toBe(false);
}

test("task XML matches the golden file, decodes from UTF-16 LE with BOM and is well-formed", async () => {
  const xml = renderTaskXml(spec(), { userId: "PC\\ada", launcherPath: launcherWin });
  expect(xml).toBe(await fixture("openclaw-gateway-work.task.xml"));
  const bytes = encodeUtf16LeBom(xml);
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
  const decoded = new TextDecoder("utf-16le").decode(bytes); // the decoder consumes the BOM
  expect(decoded).toBe(xml);
  assertWellFormedXml(decoded);
  for (const part of ["<LogonTrigger>", "<UserId>PC\\ada</UserId>", "<Interval>PT1M</Interval>", "<Count>999</Count>", "<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>", "<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>"]) {
    expect(decoded).toContain(part);
  }
});

test("launchers match the golden files: hidden, env without secrets, output to the log dir", async () => {
  const launcher = renderLauncher(spec());
  expect(launcher).toBe(await fixture("gateway-work.vbs"));
  expect(launcher).toContain("shell.Run(");
  expect(launcher).toContain(", 0, True)");
  expect(launcher).not.toContain("never-written");
  expect(launcher).toContain('>> ""C:\\Users\\ada\\.openclaw-work\\logs\\gateway-work.log""');
  expect(renderStartupLauncher(spec(), launcherWin)).toBe(await fixture("startup-work.vbs"));
});

test("launcher refuses values cmd.exe or VBScript would mangle", () => {
  expect(() => renderLauncher(spec({ program: ["C:\\%PATH%\\x.exe"] }))).toThrow(ServiceError);
  expect(() => renderLauncher(spec({ env: { A: "x\ny" } }))).toThrow(/line break/);
});

test("parseSchtasksList reads the LIST /V fields", () => {
  const fields = parseSchtasksList("\r\nFolder: \\\r\nHostName:      PC\r\nTaskName:      \\OpenClaw Gateway (work)\r\nStatus:        Running\r\nLast Result:   267009\r\n");
  expect(fields).toMatchObject({ TaskName: "\\OpenClaw Gateway (work)", Status: "Running", "Last Result": "267009" });
});

/** Answers like schtasks.exe (and wscript.exe) for the calls we make; records argv. */
class FakeSchtasks implements CommandRunner {
  calls: string[][] = [];
  tasks = new Map<string, string>();
  denyCreate = false;
  async run(command: string, args: readonly string[]) {
    this.calls.push([command, ...args]);
    const ok = (stdout = "SUCCESS: done.\r\n") => ({ code: 0, stdout, stderr: "" });
    if (command === "wscript.exe") return ok("");
    const name = args[args.indexOf("/TN") + 1] ?? "";
    const missing = { code: 1, stdout: "", stderr: "ERROR: The system cannot find the file specified.\r\n" };
    switch (args[0]) {
      case "/Create":
        if (this.denyCreate) return { code: 1, stdout: "", stderr: "ERROR: Access is denied.\r\n" };
        this.tasks.set(name, "Ready");
        return ok();
      case "/Query":
        if (!args.includes("/TN")) return ok([...this.tasks.keys()].map((t) => `TaskName: \\${t}\r\n`).join("") + "TaskName: \\Clawdbot Gateway\r\n");
        if (!this.tasks.has(name)) return missing;
        return ok(`\r\nFolder: \\\r\nTaskName:    \\${name}\r\nStatus:      ${this.tasks.get(name)}\r\nLast Run Time: 3/1/2026 9:00:00 AM\r\nLast Result: 0\r\n`);
      case "/Run":
        if (!this.tasks.has(name)) return missing;
        this.tasks.set(name, "Running");
        return ok();
      case "/End":
        if (!this.tasks.has(name)) return missing;
        this.tasks.set(name, "Ready");
        return ok();
      case "/Delete":
        return this.tasks.delete(name) ? ok() : missing;
    }
    return { code: 1, stdout: "", stderr: "ERROR: Invalid argument/option.\r\n" };
  }
}

function setup() {
  const dir = join(root, `case-${++dirCount}`);
  const runner = new FakeSchtasks();
  const scriptDir = join(dir, "state");
  const startupDir = join(dir, "Startup");
  const manager = createWindowsManager({ runner, scriptDir, startupDir, userId: "PC\\ada" });
  return { runner, manager, scriptDir, startupDir, s: spec({ logDir: join(dir, "logs") }) };
}

test("install writes launcher + UTF-16 XML, creates and runs the task; repeat is a no-op", async () => {
  const { runner, manager, scriptDir, s } = setup();
  const result = await manager.install(s, { force: false });
  expect(result.outcome).toBe("installed");
  const xmlPath = join(scriptDir, "gateway-work.task.xml");
  expect(result.file).toBe(xmlPath);
  const bytes = new Uint8Array(await readFile(xmlPath));
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
  expect(new TextDecoder("utf-16le").decode(bytes)).toContain("<LogonTrigger>");
  expect(await readFile(join(scriptDir, "gateway-work.vbs"), "utf8")).toBe(renderLauncher(s));
  expect(runner.calls).toContainEqual(["schtasks", "/Create", "/TN", "OpenClaw Gateway (work)", "/XML", xmlPath, "/F"]);
  expect(runner.calls.at(-1)).toEqual(["schtasks", "/Run", "/TN", "OpenClaw Gateway (work)"]);
  expect(await manager.status(s)).toMatchObject({ installed: true, loaded: true, running: true, lastExitCode: 0, file: xmlPath });
  expect(await manager.audit(s)).toEqual([]);

  runner.calls = [];
  expect((await manager.install(s, { force: false })).outcome).toBe("unchanged");
  expect(runner.calls.map((c) => c[1])).toEqual(["/Query"]);
  expect((await manager.install(s, { force: true })).outcome).toBe("reinstalled");
});

test("start, stop, restart and uninstall go through schtasks", async () => {
  const { runner, manager, scriptDir, s } = setup();
  await expect(manager.start(s)).rejects.toThrow(/not installed/);
  await manager.install(s, { force: false });
  await manager.stop(s);
  expect(runner.calls.at(-1)).toEqual(["schtasks", "/End", "/TN", s.name]);
  expect((await manager.status(s)).running).toBe(false);
  runner.calls = [];
  await manager.restart(s);
  expect(runner.calls.filter((c) => c[1] !== "/Query").map((c) => c[1])).toEqual(["/End", "/Run"]);
  const removed = await manager.uninstall(s);
  expect(removed.removed).toBe(true);
  expect(runner.calls).toContainEqual(["schtasks", "/Delete", "/TN", s.name, "/F"]);
  expect(await Bun.file(join(scriptDir, "gateway-work.vbs")).exists()).toBe(false);
  expect(await manager.status(s)).toMatchObject({ installed: false, file: null });
});

test("Access is denied falls back to the Startup folder, says so, and uninstall removes it", async () => {
  const { runner, manager, startupDir, s } = setup();
  runner.denyCreate = true;
  const result = await manager.install(s, { force: false });
  const startup = join(startupDir, "OpenClaw Gateway (work).vbs");
  expect(result.file).toBe(startup);
  expect(result.notes.join("\n")).toContain("Task Scheduler denied access");
  expect(await readFile(startup, "utf8")).toContain("wscript.exe //B //NoLogo");
  expect(runner.calls.at(-1)).toEqual(["wscript.exe", "//B", "//NoLogo", startup]);
  expect(await manager.status(s)).toMatchObject({ installed: true, loaded: false, file: startup });
  const error = await manager.stop(s).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as Error).name).toBe("ServiceError");
  expect((await manager.uninstall(s)).notes.join("\n")).toContain("Removed the Startup-folder launcher");
  expect(await Bun.file(startup).exists()).toBe(false);
});

test("a non-permission schtasks failure is a ServiceError; others lists foreign tasks", async () => {
  const { runner, manager, s } = setup();
  runner.run = async (command, args) => (args[0] === "/Create" ? { code: 1, stdout: "", stderr: "ERROR: The task XML is malformed.\r\n" } : { code: 1, stdout: "", stderr: "" });
  await expect(manager.install(s, { force: false })).rejects.toThrow(/malformed/);
  const other = setup();
  await other.manager.install(other.s, { force: false });
  expect(await other.manager.others({ deep: false })).toEqual(["task: Clawdbot Gateway"]);
});
