/**
 * What the CLI tells a user to do next: hints that carry the profile in use, the help page of
 * the command that failed, no colour codes into pipes, and words for commands not built yet.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandHint } from "../../src/cli/command-hint.ts";
import { runCli, startGatewayProcess, writeConfig } from "../helpers/cli.ts";

const TOKEN = "hints-test-token-0123456789abcdef";
const homes: string[] = [];
afterAll(() => Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true }))));
async function home(): Promise<string> {
  homes.push(await mkdtemp(join(tmpdir(), "openclaw-hints-")));
  return homes.at(-1)!;
}

const quiet = { OPENCLAW_SKIP_CANVAS_HOST: "1" };

describe("commandHint", () => {
  test("adds the flag that selects the profile", () => {
    expect(commandHint(null, "setup")).toBe("openclaw setup");
    expect(commandHint("default", "setup")).toBe("openclaw setup");
    expect(commandHint("dev", "setup")).toBe("openclaw --dev setup");
    expect(commandHint("work", "config set gateway.mode local")).toBe("openclaw --profile work config set gateway.mode local");
  });
});

describe("hints name the command for the profile in use", () => {
  test("setup ends with the gateway command of its profile", async () => {
    const h = await home();
    const dev = await runCli(["--dev", "setup"], { home: h });
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain("Start the gateway with: openclaw --dev gateway\n");
    expect(dev.stdout).toContain("see: openclaw --dev config get gateway.auth.token --show-secret");
    const work = await runCli(["setup", "--profile", "work"], { home: h });
    expect(work.stdout).toContain("Start the gateway with: openclaw --profile work gateway\n");
    const plain = await runCli(["setup"], { home: h });
    expect(plain.stdout).toContain("Start the gateway with: openclaw gateway\n");
  });

  test("the gateway's refusal without a config names the profile's setup", async () => {
    const h = await home();
    const result = await runCli(["--dev", "gateway", "--port", "0"], { home: h, env: quiet });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`no config at ${join(h, ".openclaw-dev", "openclaw.json")}; run: openclaw --dev setup`);
  });

  test("a config without gateway.mode says it is not set, where, and what to run", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { auth: { token: TOKEN } } }, ".openclaw-work");
    const result = await runCli(["gateway", "--profile", "work", "--port", "0"], { home: h, env: quiet });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`gateway.mode is not set in ${path}; run: openclaw --profile work setup`);
    expect(result.stderr).not.toContain("null");
  });

  test("a remote mode is named, with the config command that changes it (setup keeps it)", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "remote" } }, ".openclaw-dev");
    const result = await runCli(["--dev", "gateway", "--port", "0"], { home: h, env: quiet });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`gateway.mode is "remote" in ${path}; to run the gateway here: openclaw --dev config set gateway.mode local`);
  });

  test("doctor's fixes name the profile", async () => {
    const h = await home();
    const result = await runCli(["--dev", "doctor", "--json"], { home: h });
    const checks = JSON.parse(result.stdout).checks as { id: string; fix?: string }[];
    const fix = (id: string) => checks.find((check) => check.id === id)?.fix;
    expect(fix("config")).toBe("run: openclaw --dev setup");
    expect(fix("state-dir")).toBe("run: openclaw --dev setup");
    expect(fix("gateway.mode")).toBe("run: openclaw --dev setup (or: openclaw --dev config set gateway.mode local)");
    expect(fix("auth")).toBe("run: openclaw --dev setup (it generates one)");
  });

  test("an unreachable gateway names the profile's start command", async () => {
    const h = await home();
    // Nothing listens on port 9.
    const result = await runCli(["--dev", "status", "--url", "ws://127.0.0.1:9"], { home: h });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: gateway not reachable at ws://127.0.0.1:9 (is it running? start it with: openclaw --dev gateway)\n");
  });
});

describe("a start with --allow-unconfigured", () => {
  test("writes gateway.mode local with the token, so the next plain start works", async () => {
    const h = await home();
    const first = await startGatewayProcess(["--port", "0", "--allow-unconfigured"], { home: h, env: quiet });
    expect(await first.stop()).toBe(0);
    const path = join(h, ".openclaw", "openclaw.json");
    const saved = JSON.parse(await readFile(path, "utf8"));
    expect(saved.gateway.mode).toBe("local");
    expect(saved.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    expect(first.output()).toContain('and gateway.mode = "local"');

    const second = await startGatewayProcess(["--port", "0"], { home: h, env: quiet });
    expect(await second.stop()).toBe(0);
    expect(JSON.parse(await readFile(path, "utf8")).gateway.auth.token).toBe(saved.gateway.auth.token);
  });

  test("keeps a mode the file already has", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "remote" } });
    const gw = await startGatewayProcess(["--port", "0", "--allow-unconfigured"], { home: h, env: quiet });
    expect(await gw.stop()).toBe(0);
    const saved = JSON.parse(await readFile(path, "utf8"));
    expect(saved.gateway.mode).toBe("remote");
    expect(saved.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
  });
});

describe("usage errors and colour", () => {
  // What a terminal emulator sets; citty would colour pipes with these unless told otherwise.
  const colourful = { TERM: "xterm-256color", FORCE_COLOR: "1", NO_COLOR: "" };

  for (const [args, page] of [
    [["gateway", "xyz"], "openclaw gateway --help"],
    [["nodes", "xyz"], "openclaw nodes --help"],
    [["devices", "xyz"], "openclaw devices --help"],
    [["config", "xyz"], "openclaw config --help"],
    [["xyz"], "openclaw --help"],
    [["--dev", "gateway", "--port", "1", "xyz"], "openclaw gateway --help"],
  ] as const) {
    test(`openclaw ${args.join(" ")} points at ${page}, without colour codes`, async () => {
      const result = await runCli([...args], { home: await home(), env: colourful });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`error: Unknown command xyz (see ${page})\n`);
    });
  }

  test("names of Object.prototype are unknown commands too, not a silent exit 0", async () => {
    for (const [args, page] of [[["constructor"], "openclaw --help"], [["gateway", "toString"], "openclaw gateway --help"]] as const) {
      const result = await runCli([...args], { home: await home() });
      expect(result).toEqual({ code: 2, stdout: "", stderr: `error: Unknown command ${args.at(-1)} (see ${page})\n` });
    }
  });

  test("help printed into a pipe has no colour codes", async () => {
    for (const args of [["--help"], ["gateway", "--help"], ["config", "get", "--help"]]) {
      const result = await runCli(args, { home: await home(), env: colourful });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("USAGE");
      expect(result.stdout).not.toContain("\x1b[");
    }
  });
});

describe("the service commands are built", () => {
  test("they are listed in --help without \"not available yet\"", async () => {
    const h = await home();
    const top = (await runCli(["--help"], { home: h })).stdout;
    const gateway = (await runCli(["gateway", "--help"], { home: h })).stdout;
    for (const name of ["install", "uninstall", "start", "stop", "restart"]) {
      expect(gateway).toMatch(new RegExp(`\\n\\s*${name}\\s+`));
      expect(gateway).not.toMatch(new RegExp(`\\n\\s*${name}\\s+.*\\(not available yet\\)`));
    }
    for (const name of ["setup", "agent", "message", "channels"]) expect(top).not.toMatch(new RegExp(`\\n\\s*${name}\\s+.*\\(not available yet\\)`));
  });
});
