/**
 * `openclaw agent --message "…"`: one agent turn through the gateway (protocol.md §6 "Agent
 * runs"). It sends `agent` with a fresh idempotency key and waits for the final response on the
 * same request id; on a terminal the reply streams in from the run's `agent` events meanwhile.
 * Ctrl-C (SIGINT) or SIGTERM aborts the run with `chat.abort` and exits 130 (143), as the
 * reference does. Flags, exit codes and `--json` follow the reference CLI (docs/cli/agent.md).
 */
import { defineCommand } from "citty";
import { readFile, stat } from "node:fs/promises";
import type { AgentFinal, AgentParams } from "../../protocol/methods/agent.ts";
import { normalizeSessionKey } from "../agent/sessions/session-key.ts";
import { ClientError, GatewayClient } from "../client/gateway-client.ts";
import { jsonFailure, replyText, ReplyStream } from "./agent-output.ts";
import { CliError } from "./cli-error.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { setExitCode } from "./exit-code.ts";
import { CLI_SCOPES, cliErrorOf, connectionArgs, resolveClientOptions } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";

/** The reference's limit for `--message-file`. */
const MESSAGE_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** The longest run the protocol lets a caller ask for (`agent` `timeout`, seconds). */
const MAX_TIMEOUT_S = 86_400;
/** The CLI waits this much longer than the run's deadline, so the gateway's AGENT_TIMEOUT arrives first. */
const WAIT_MARGIN_MS = 30_000;
const ABORT_TIMEOUT_MS = 2000;
/** Shells report death by SIGINT/SIGTERM as 128 + signal number; scripts can tell "interrupted" apart. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof SIGNAL_EXIT;

const args = {
  message: { type: "string", alias: "m", description: "Message body for the agent" },
  "message-file": { type: "string", description: "Read the message body from a UTF-8 file (max 4 MiB)" },
  to: { type: "string", alias: "t", description: "Recipient (E.164 number), passed on to the gateway" },
  agent: { type: "string", description: "Agent id (default: the gateway's default agent)" },
  "session-key": { type: "string", description: "Explicit session key (agent:<id>:<key>, or scoped to --agent; default: the agent's main session)" },
  "session-id": { type: "string", description: "Use an explicit session id" },
  thinking: { type: "string", description: "Thinking level: off | minimal | low | medium | high" },
  deliver: { type: "boolean", description: "Send the reply back to the selected channel (needs a linked channel)", default: false },
  json: { type: "boolean", description: "Output the final result as JSON", default: false },
  timeout: { type: "string", description: `Run deadline in seconds (default: the gateway's agents.defaults.timeoutSeconds, 600; 0 = the longest allowed, ${MAX_TIMEOUT_S})` },
  url: connectionArgs.url,
  token: connectionArgs.token,
  password: connectionArgs.password,
} as const;

type Flags = { [K in keyof typeof args]?: string | boolean };
const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

async function readMessageFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    if ((await stat(path)).size > MESSAGE_FILE_MAX_BYTES) throw new CliError(`message file is larger than ${MESSAGE_FILE_MAX_BYTES} bytes: ${path}`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `message file not found: ${path}` : code === "EISDIR" ? `message file is a directory: ${path}` : `cannot read message file ${path}: ${(error as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new CliError(`message file is not valid UTF-8: ${path}`);
  }
}

async function messageOf(flags: Flags): Promise<string> {
  const inline = text(flags.message);
  const file = text(flags["message-file"])?.trim();
  if (inline !== undefined && file) throw new CliError("use either --message or --message-file, not both");
  const message = file ? await readMessageFile(file) : (inline ?? "");
  if (!message.trim()) throw new CliError('missing message: use openclaw agent --message "…" (or --message-file <path>)');
  return message;
}

/** `--timeout` seconds: what the gateway is asked for, and how long the CLI waits for the final. */
function deadlineOf(raw: string | undefined): { timeout?: number; waitMs: number } {
  if (raw === undefined) return { waitMs: Infinity }; // the gateway's own deadline applies; it always answers
  const seconds = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TIMEOUT_S) {
    throw new CliError(`invalid --timeout ${raw}: use whole seconds from 0 to ${MAX_TIMEOUT_S} (0 = the longest allowed)`);
  }
  const timeout = seconds === 0 ? MAX_TIMEOUT_S : seconds;
  return { timeout, waitMs: timeout * 1000 + WAIT_MARGIN_MS };
}

/** The `agent` params, and how long to wait for the final; bad flags fail here, before connecting. */
async function requestOf(flags: Flags): Promise<{ params: AgentParams; waitMs: number }> {
  for (const flag of ["agent", "session-key", "session-id", "to"] as const) {
    const value = text(flags[flag]);
    if (value !== undefined && !value.trim()) throw new CliError(`--${flag} must not be blank`);
  }
  const { timeout, waitMs } = deadlineOf(text(flags.timeout));
  const optional = { agentId: text(flags.agent), to: text(flags.to), sessionKey: text(flags["session-key"]), sessionId: text(flags["session-id"]), thinking: text(flags.thinking), timeout };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  const params = { message: await messageOf(flags), idempotencyKey: crypto.randomUUID(), ...defined, ...(flags.deliver ? { deliver: true } : {}) };
  return { params, waitMs };
}

/**
 * The session `chat.abort` names when Ctrl-C comes before any event told us the run's session
 * (a run queued behind another): the key the gateway derives from what we sent.
 */
function sentSessionKey(params: AgentParams): string {
  const raw = params.sessionKey ?? params.sessionId ?? "main";
  if (!params.agentId) return raw; // the gateway scopes it to its default agent, for `chat.abort` too
  try {
    return normalizeSessionKey(raw, { defaultAgentId: params.agentId });
  } catch {
    return raw;
  }
}

/**
 * Writes and waits until the text is handed off, so nothing is lost when the process exits. A
 * failed write is not an error of the run: the reader went away (`| head`) and the exit code
 * still says how the run ended.
 */
function writeOut(textOut: string): Promise<void> {
  if (textOut === "") return Promise.resolve();
  return new Promise((resolve) => process.stdout.write(textOut, () => resolve()));
}

/** Resolves with the first SIGINT/SIGTERM; later ones are swallowed while the abort is sent. */
function watchSignals() {
  let onSignal: (signal: Signal) => void = () => {};
  const received = new Promise<Signal>((resolve) => (onSignal = resolve));
  const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };
  process.on("SIGINT", handlers.SIGINT);
  process.on("SIGTERM", handlers.SIGTERM);
  return { received, dispose: () => (process.off("SIGINT", handlers.SIGINT), process.off("SIGTERM", handlers.SIGTERM)) };
}

/** Whether the gateway this client talks to has any channel a reply could be delivered on. */
function hasLinkedChannel(client: GatewayClient): boolean {
  const channels: Record<string, { linked?: boolean }> = client.hello?.snapshot?.health?.channels ?? {};
  return Object.values(channels).some((channel) => channel?.linked === true);
}

export default defineCommand({
  meta: { name: "agent", description: "Run one agent turn through the gateway and print the reply" },
  args,
  async run({ args: flags }) {
    const { params, waitMs } = await requestOf(flags);
    const runId = params.idempotencyKey;
    const options = await resolveClientOptions({ url: flags.url, token: flags.token, password: flags.password }, CLI_SCOPES);
    const reply = new ReplyStream((chunk) => void writeOut(chunk), process.stdout.isTTY === true && !flags.json);
    const state = { sent: false, accepted: false, stopped: false, sessionKey: undefined as string | undefined };
    const client = new GatewayClient({
      ...options,
      onEvent: (event, payload: any) => {
        // The session topic also carries other clients' runs; only ours is shown.
        if (event !== "agent" || payload?.runId !== runId) return;
        if (typeof payload.sessionKey === "string") state.sessionKey = payload.sessionKey;
        if (payload.stream === "assistant" && typeof payload.data?.text === "string") reply.update(payload.data.text);
      },
    });

    /** Reports a failure on stderr (and as the JSON envelope with `--json`); exits 1. */
    const fail = async (message: string, code?: string, failedRunId?: string): Promise<never> => {
      await writeOut(reply.breakLine() + (flags.json ? jsonFailure(message, failedRunId, code) + "\n" : ""));
      throw new CliError(message);
    };

    const turn = async () => {
      await client.connect();
      if (state.stopped) return null;
      if (params.deliver && !hasLinkedChannel(client)) process.stderr.write("warning: delivery needs a linked channel; the reply is printed here only\n");
      state.sent = true;
      return (await client.request("agent", params, { timeoutMs: waitMs, onAccepted: () => (state.accepted = true) })) as { ok: boolean; payload?: any; error?: { code?: string; message?: string } };
    };

    const signals = watchSignals();
    try {
      const outcome = await Promise.race([turn().then((res) => ({ res })), signals.received.then((signal) => ({ signal }))]);
      if ("signal" in outcome) {
        state.stopped = true;
        const note = state.sent ? await abortRun(client, runId, state.sessionKey ?? sentSessionKey(params)) : "nothing was started";
        const message = `interrupted by ${outcome.signal}: ${note}`;
        await writeOut(reply.breakLine() + (flags.json ? jsonFailure(message, state.sent ? runId : undefined, undefined) + "\n" : ""));
        process.stderr.write(`${message}\n`);
        setExitCode(SIGNAL_EXIT[outcome.signal]);
        return;
      }
      const res = outcome.res!;
      const final = res.payload as AgentFinal | undefined;
      if (!res.ok || final?.status !== "ok") return await fail(res.error?.message ?? final?.summary ?? "the run failed", res.error?.code, final?.runId);
      if (flags.json) return await writeOut(JSON.stringify(final, null, 2) + "\n");
      const answer = replyText(final.result?.payloads ?? []);
      await writeOut(reply.finish(answer));
      if (!answer) process.stderr.write("the agent sent no reply\n");
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      if (!state.sent) {
        const cli = cliErrorOf(error, client.url);
        return await fail(cli.message, error.code);
      }
      // The connection went away (or the wait ran out) after the run may have started: retrying blindly could run it twice.
      const extend = error.code === "TIMEOUT" ? " (use --timeout <seconds> to wait longer)" : "";
      const check = commandHint(flagsProfile(globalFlags()), "status");
      await fail(`${error.message}; the gateway may still be running this turn (run ${runId})${extend}: check ${check} and the session before retrying`, error.code, state.accepted ? runId : undefined);
    } finally {
      signals.dispose();
      client.close();
    }
  },
});

/** Asks the gateway to stop the run; says whether it confirmed. */
async function abortRun(client: GatewayClient, runId: string, sessionKey: string): Promise<string> {
  try {
    const res = await client.request("chat.abort", { sessionKey, runId }, { timeoutMs: ABORT_TIMEOUT_MS });
    if (res.ok && res.payload?.aborted === true && res.payload.runIds?.includes(runId)) return `aborted run ${runId}`;
    return `the gateway did not confirm that run ${runId} was aborted${res.ok ? " (it may have finished already)" : `: ${res.error?.message ?? "unknown error"}`}`;
  } catch (error) {
    return `could not abort run ${runId}: ${(error as Error).message}`;
  }
}
