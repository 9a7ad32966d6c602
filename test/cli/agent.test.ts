/**
 * `openclaw agent` as a process against a real gateway process whose model is the fake
 * OpenAI-compatible server (test/fakes, real streaming format): the reply piped and on a
 * terminal, `--json`, `--deliver`, the failures (no model configured, a run past its deadline,
 * no gateway, bad flags) and Ctrl-C aborting a run whose model never finishes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ReplyStream, replyText } from "../../src/cli/agent-output.ts";
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from "../fakes/openai-compatible.ts";
import { cliEnv, runCli, startGatewayProcess, UNREACHABLE_URL, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { Condition } from "../helpers/condition.ts";
import { makeTempHome } from "../helpers/gateway.ts";

const TOKEN = "cli-agent-token-0123456789abcdef";
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ABORTED = /interrupted by SIGINT: aborted run ([0-9a-f-]{36})\n/;

const homes: string[] = [];
let fake: FakeOpenAI;
let gateway: GatewayProcess;
let home: string;
let url: string;

/** A gateway process configured with (or, `model: false`, without) the fake as its model. */
async function startGateway(withModel: boolean): Promise<{ home: string; gw: GatewayProcess; url: string }> {
  const dir = await makeTempHome();
  homes.push(dir);
  const models = withModel
    ? { models: { providers: { fake: { baseUrl: fake.baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } }, agents: { defaults: { model: "fake/m" } } }
    : {};
  await writeConfig(dir, { gateway: { mode: "local", auth: { token: TOKEN } }, ...models });
  const gw = await startGatewayProcess(["--port", "0"], { home: dir, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  return { home: dir, gw, url: `ws://127.0.0.1:${gw.port}` };
}

beforeAll(async () => {
  fake = startFakeOpenAI({ script: [] });
  ({ home, gw: gateway, url } = await startGateway(true));
});

afterAll(async () => {
  await gateway?.stop("SIGKILL");
  await fake?.stop();
  for (const dir of homes) await rm(dir, { recursive: true, force: true });
});

const agent = (args: string[], timeoutMs?: number) => runCli(["agent", ...args, "--url", url], { home, timeoutMs });

/** The user turn the model was sent last. */
function lastUserMessage(request: RecordedRequest): unknown {
  const messages = (request.body as { messages: { role: string; content: unknown }[] }).messages;
  return messages.filter((m) => m.role === "user").at(-1)?.content;
}

describe("openclaw agent against a gateway with a model", () => {
  test("prints only the final reply when piped, and sends the message to the model", async () => {
    fake.setScript([{ type: "text", text: "Hello from the fake!", chunks: 4 }]);
    const result = await agent(["--message", "hi"]);
    expect(result).toEqual({ code: 0, stdout: "Hello from the fake!\n", stderr: "" });
    expect(lastUserMessage(fake.requests.at(-1)!)).toBe("hi");
  });

  test("--json prints the gateway's final payload", async () => {
    fake.setScript([{ type: "text", text: "A JSON answer", usage: { inputTokens: 5, outputTokens: 3 } }]);
    const result = await agent(["-m", "hi", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const final = JSON.parse(result.stdout);
    expect(final).toEqual({
      runId: expect.stringMatching(UUID),
      status: "ok",
      summary: "completed",
      result: { payloads: [{ text: "A JSON answer" }], meta: expect.objectContaining({ durationMs: expect.any(Number), model: "fake/m", usage: { inputTokens: 5, outputTokens: 3 } }) },
    });
  });

  test("--message-file sends the file's text (without a BOM, lines kept)", async () => {
    fake.setScript([{ type: "text", text: "read it" }]);
    const file = join(home, "task.md");
    await writeFile(file, "\uFEFFline one\nline two ✓\n");
    const result = await agent(["--message-file", file]);
    expect(result).toEqual({ code: 0, stdout: "read it\n", stderr: "" });
    expect(lastUserMessage(fake.requests.at(-1)!)).toBe("line one\nline two ✓\n");
  });

  test("--deliver says that there is no channel to deliver on, and still prints the reply", async () => {
    fake.setScript([{ type: "text", text: "delivered here" }]);
    const result = await agent(["--message", "hi", "--to", "+15555550123", "--deliver"]);
    expect(result).toEqual({ code: 0, stdout: "delivered here\n", stderr: "warning: delivery needs a linked channel; the reply is printed here only\n" });
  });

  test("a run past its --timeout exits 1 with the gateway's message, and prints no partial text when piped", async () => {
    fake.setScript([{ type: "hang", text: "thinking" }]);
    const result = await agent(["--message", "hi", "--timeout", "1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("error: the run did not finish within 1 s\n");
    expect(await fake.requests.at(-1)!.ended).toBe("client-closed");
  });

  test("SIGINT aborts the run with chat.abort and exits 130", async () => {
    fake.setScript([{ type: "hang", text: "partial" }]);
    const before = fake.requests.length;
    const proc = Bun.spawn([process.execPath, MAIN, "agent", "--message", "hi", "--url", url], { env: cliEnv(home), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    try {
      const output = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      const [request] = (await fake.waitForRequests(before + 1, 10_000)).slice(before);
      proc.kill("SIGINT");
      const [[stdout, stderr], code] = await Promise.all([output, proc.exited]);
      expect({ code, stdout }).toEqual({ code: 130, stdout: "" });
      expect(stderr).toMatch(ABORTED);
      // The gateway stopped the model call: the fake saw its client go away.
      expect(await request!.ended).toBe("client-closed");
      // Aborted runs report `timeout` (they did not end with an answer), as in the reference.
      const wait = await runCli(["gateway", "call", "agent.wait", "--params", JSON.stringify({ runId: ABORTED.exec(stderr)![1] }), "--url", url], { home });
      expect(JSON.parse(wait.stdout)).toMatchObject({ status: "timeout", endedAt: expect.any(Number) });
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
  }, 20_000);

  test("on a terminal the reply streams in as it arrives, and Ctrl-C aborts the run", async () => {
    fake.setScript([{ type: "hang", text: "streamed before the end" }]);
    const before = fake.requests.length;
    let screen = "";
    const changed = new Condition();
    const proc = Bun.spawn([process.execPath, MAIN, "agent", "--message", "hi", "--url", url], {
      env: cliEnv(home),
      terminal: {
        data: (_terminal, data) => {
          screen += new TextDecoder().decode(data);
          changed.wake();
        },
      },
    });
    try {
      const [request] = (await fake.waitForRequests(before + 1, 10_000)).slice(before);
      // The model has not finished (it never does): the text on screen came from the events.
      await changed.waitFor("the streamed text", () => (screen.includes("streamed before the end") ? true : undefined), 10_000, () => `; screen: ${JSON.stringify(screen)}`);
      proc.terminal!.write("\x03");
      expect(await proc.exited).toBe(130);
      expect(await request!.ended).toBe("client-closed");
      await changed.waitFor("the abort notice", () => (ABORTED.test(screen.replaceAll("\r\n", "\n")) ? true : undefined), 5000, () => `; screen: ${JSON.stringify(screen)}`);
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      proc.terminal?.close();
    }
  }, 20_000);
});

describe("openclaw agent failures", () => {
  test("with no model configured it exits 1 and names agents.defaults.model (also as --json)", async () => {
    const bare = await startGateway(false);
    try {
      const result = await runCli(["agent", "--message", "hi", "--url", bare.url], { home: bare.home });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toStartWith("error: no model configured: set agents.defaults.model");
      const json = await runCli(["agent", "--message", "hi", "--url", bare.url, "--json"], { home: bare.home });
      expect(json.code).toBe(1);
      // Refused before it was accepted: no run id, so nothing for a script to chase.
      expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { type: "cli_error", code: "UNAVAILABLE", message: expect.stringContaining("agents.defaults.model") } });
    } finally {
      await bare.gw.stop("SIGKILL");
    }
  });

  test("no gateway: one line naming the URL, exit 1", async () => {
    const result = await runCli(["agent", "--message", "hi", "--url", UNREACHABLE_URL], { home });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: gateway not reachable at ${UNREACHABLE_URL}`);
  });

  const usage: [string[], string][] = [
    [[], 'error: missing message: use openclaw agent --message "…" (or --message-file <path>)\n'],
    [["--message", "   "], 'error: missing message: use openclaw agent --message "…" (or --message-file <path>)\n'],
    [["--message", "hi", "--message-file", "x.md"], "error: use either --message or --message-file, not both\n"],
    [["--message-file", "/nonexistent/task.md"], "error: message file not found: /nonexistent/task.md\n"],
    [["--message", "hi", "--agent", " "], "error: --agent must not be blank\n"],
    [["--message", "hi", "--session-key", ""], "error: --session-key must not be blank\n"],
    [["--message", "hi", "--timeout", "soon"], "error: invalid --timeout soon: use whole seconds from 0 to 86400 (0 = the longest allowed)\n"],
  ];
  for (const [args, stderr] of usage) {
    test(`refuses ${JSON.stringify(args)} before connecting`, async () => {
      // An unreachable URL: any attempt to connect would show as a different error.
      const result = await runCli(["agent", ...args, "--url", UNREACHABLE_URL], { home });
      expect(result).toEqual({ code: 1, stdout: "", stderr });
    });
  }
});

describe("reply rendering", () => {
  const render = (live: boolean, events: string[], final: string) => {
    let out = "";
    const stream = new ReplyStream((text) => (out += text), live);
    for (const text of events) stream.update(text);
    return out + stream.finish(final);
  };

  test("a terminal sees each increment once, including the separator between model turns", () => {
    expect(render(true, ["He", "Hello", "Hello", "Hello\n\nWorld"], "Hello\n\nWorld")).toBe("Hello\n\nWorld\n");
  });

  test("a final answer the stream did not show (all or the end of it) is added, not repeated", () => {
    expect(render(true, [], "only at the end")).toBe("only at the end\n");
    expect(render(true, ["Hel"], "Hello")).toBe("Hello\n");
    expect(render(true, ["draft"], "rewritten")).toBe("draft\nrewritten\n");
  });

  test("piped, nothing is shown until the final answer", () => {
    expect(render(false, ["He", "Hello"], "Hello")).toBe("Hello\n");
    expect(render(false, ["He"], "")).toBe("");
  });

  test("payloads print as the reference does: text, then one Attachment line per media URL", () => {
    expect(replyText([{ text: "See this  \n" }, { mediaUrl: "https://x/a.png", mediaUrls: ["https://x/a.png", "https://x/b.png"] }, { text: "" }])).toBe(
      "See this\nAttachment: https://x/a.png\nAttachment: https://x/b.png",
    );
  });
});
