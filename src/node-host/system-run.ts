/**
 * `system.run {command, cwd?, env?, timeoutMs?}` →
 * `{exitCode, signal, stdout, stderr, timedOut, stdoutTruncated, stderrTruncated}`.
 *
 * No shell: `command[0]` is resolved once, checked against the node's allowlist (re-read on every
 * call, so edits apply without a restart), and exactly that path is started. The child leads its
 * own process group, so a timeout or the node stopping kills everything it started.
 */
import type { Subprocess } from "bun";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Env } from "../config/paths.ts";
import { isAllowed, loadAllowlist, resolveExecutable, type Allowlist } from "./allowlist.ts";
import { invalidParams, isCleanString, isRecord, NodeCommandError } from "./command-error.ts";

export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
export const MAX_RUN_TIMEOUT_MS = 600_000;
/** Per stream; the rest is read and dropped, and `stdoutTruncated`/`stderrTruncated` say so. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** After the child exits, how long processes it left behind may hold its output pipes open. */
const DRAIN_GRACE_MS = 500;
/** Variables that make an allowed program load or run other code. */
const BLOCKED_ENV = /^(LD_|DYLD_)|^(NODE_OPTIONS|BUN_OPTIONS|BASH_ENV|ENV|PERL5OPT|PYTHONSTARTUP|RUBYOPT)$/;

export interface RunParams {
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  /** Null when the child was ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export interface RunContext {
  allowlistPath: string;
  /** The environment children start from; its PATH resolves bare command names. */
  env: Env;
  /** Aborted when the node stops: a running child is killed. */
  signal: AbortSignal;
  /** When the params carry no `timeoutMs`. Default 30 000 ms. */
  defaultTimeoutMs?: number;
  /** Default 1 MiB per stream. */
  maxOutputBytes?: number;
}

export async function systemRun(raw: unknown, context: RunContext): Promise<RunResult> {
  const params = parseRunParams(raw);
  const cwd = params.cwd === undefined ? undefined : await checkCwd(params.cwd);
  const blocked = Object.keys(params.env ?? {}).find((key) => BLOCKED_ENV.test(key));
  if (blocked) throw new NodeCommandError("NOT_ALLOWED", `system.run refused: env ${blocked} is not allowed (it changes what the program runs)`);
  let list: Allowlist;
  try {
    list = await loadAllowlist(context.allowlistPath);
  } catch (error) {
    throw new NodeCommandError("NOT_ALLOWED", `system.run refused: ${(error as Error).message}`);
  }
  const name = params.command[0]!;
  const resolved = resolveExecutable(name, context.env.PATH, cwd);
  if (!resolved || !isAllowed(list, resolved, context.env.PATH)) throw refusal(name, resolved, list);
  if (context.signal.aborted) throw new NodeCommandError("UNAVAILABLE", "system.run: the node is stopping");

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...context.env, ...params.env })) if (value !== undefined) env[key] = value;
  let proc: Subprocess<"ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn([resolved, ...params.command.slice(1)], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: process.platform !== "win32" });
  } catch (error) {
    throw new NodeCommandError("UNAVAILABLE", `system.run: cannot start ${resolved}: ${(error as Error).message}`);
  }
  const max = context.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  const stdout = capture(proc.stdout, max);
  const stderr = capture(proc.stderr, max);
  let timedOut = false;
  const kill = () => killGroup(proc);
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, params.timeoutMs ?? context.defaultTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  context.signal.addEventListener("abort", kill, { once: true });
  try {
    await proc.exited;
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener("abort", kill);
  }
  const [out, err] = await Promise.all([stdout.finish(DRAIN_GRACE_MS), stderr.finish(DRAIN_GRACE_MS)]);
  return {
    exitCode: proc.exitCode,
    signal: proc.signalCode === null ? null : String(proc.signalCode),
    stdout: out.text,
    stderr: err.text,
    timedOut,
    stdoutTruncated: out.truncated,
    stderrTruncated: err.truncated,
  };
}

function parseRunParams(raw: unknown): RunParams {
  const bad = (problem: string) => invalidParams("system.run", problem);
  if (!isRecord(raw)) throw bad("expected {command: string[], cwd?: string, env?: {…}, timeoutMs?: number}");
  const { command, cwd, env, timeoutMs } = raw;
  const isArg = (arg: unknown) => typeof arg === "string" && !arg.includes("\0");
  if (!Array.isArray(command) || !isCleanString(command[0]) || !command.every(isArg)) {
    throw bad("command must be a non-empty array of strings, [program, ...args] (there is no shell)");
  }
  if (cwd !== undefined && !isCleanString(cwd)) throw bad("cwd must be a non-empty string");
  if (env !== undefined) {
    if (!isRecord(env)) throw bad("env must be an object of strings");
    for (const [key, value] of Object.entries(env)) {
      if (!isCleanString(key) || key.includes("=") || !isArg(value)) throw bad(`env ${JSON.stringify(key)} must be a name without "=" and a string value`);
    }
  }
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > MAX_RUN_TIMEOUT_MS)) {
    throw bad(`timeoutMs must be an integer from 1 to ${MAX_RUN_TIMEOUT_MS}`);
  }
  return raw as unknown as RunParams;
}

async function checkCwd(cwd: string): Promise<string> {
  const path = resolve(cwd);
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) throw invalidParams("system.run", `cwd ${path} is not a directory`);
  return path;
}

function refusal(name: string, resolved: string | null, list: Allowlist): NodeCommandError {
  const what = resolved === null ? `${JSON.stringify(name)} (not found on the node's PATH)` : resolved === name ? JSON.stringify(name) : `${JSON.stringify(name)} (${resolved})`;
  const missing = list.exists ? "" : " (the file does not exist, so nothing is allowed)";
  return new NodeCommandError("NOT_ALLOWED", `system.run refused: ${what} is not in the node's allowlist ${list.path}${missing}`);
}

/** Kills the child and everything in its process group (a shell's children too). */
function killGroup(proc: Subprocess): void {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    if (process.platform === "win32") proc.kill("SIGKILL");
    else process.kill(-proc.pid, "SIGKILL");
  } catch {
    proc.kill("SIGKILL");
  }
}

/** Reads a stream to the end, keeping the first `max` bytes. */
function capture(stream: ReadableStream<Uint8Array>, max: number) {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const drained = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const room = max - size;
      if (value.length > room) truncated = true;
      if (room > 0) {
        const part = value.subarray(0, room);
        chunks.push(part);
        size += part.length;
      }
    }
  })().catch(() => {});
  return {
    /** The text so far once the stream ends, or after `graceMs` (a leftover process holds it open). */
    async finish(graceMs: number): Promise<{ text: string; truncated: boolean }> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([drained.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
      clearTimeout(timer);
      if (late) await reader.cancel().catch(() => {});
      return { text: new TextDecoder().decode(Buffer.concat(chunks, size)), truncated };
    },
  };
}
