/**
 * What the channel chaos tests use to kill a gateway process and bring it back: a seeded random
 * schedule, the restartable gateway (`Victim`), and a `send` caller that repeats its idempotency
 * key across kills, as a careful client does.
 */
import type { DeviceIdentity } from "../../src/client/device-identity.ts";
import { ClientError, GatewayClient } from "../../src/client/gateway-client.ts";
import { Condition } from "../helpers/condition.ts";
import { GATEWAY_TOKEN, startChannelGatewayProcess, untilLinked, type ChannelGatewayProcess } from "./channel-gateway-process.ts";

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Which gateway process (0, 1, …) made a model request: the gateway sends it as a provider header. */
export const CHAOS_PROCESS_ENV = "OPENCLAW_TEST_CHAOS_PROCESS";
const CHAOS_PROCESS_HEADER = "x-chaos-process";

/**
 * `config` with the fake provider sending the process number on every model request (through the
 * config's `${ENV}` substitution). Arrival times cannot tell processes apart: a request the killed
 * gateway sent just before its end can reach the fake after the kill.
 */
export function withProcessHeader(config: Record<string, any>): Record<string, unknown> {
  const copy = structuredClone(config);
  copy.models.providers.fake.headers = { ...copy.models.providers.fake.headers, [CHAOS_PROCESS_HEADER]: `\${${CHAOS_PROCESS_ENV}}` };
  return copy;
}

export const processOf = (request: { headers: Record<string, string> }): string => request.headers[CHAOS_PROCESS_HEADER] ?? "unknown";

/**
 * A second model call for one message may only be the next gateway re-running it after a crash,
 * never a second run in one process: the problems found, one line per message.
 */
export function runsTwiceInOneProcess(calls: readonly { token: string; process: string }[], tokens: readonly string[]): string[] {
  return tokens.flatMap((token) => {
    const processes = calls.filter((c) => c.token === token).map((c) => c.process);
    return new Set(processes).size === processes.length ? [] : [`${token} went to the model twice from one gateway process (processes ${processes.join(", ")})`];
  });
}

/** A gateway that is killed and restarted on one home; clients get it once Telegram is linked again. */
export class Victim {
  live: ChannelGatewayProcess | null = null;
  readonly kills: number[] = [];
  private readonly changed = new Condition();

  /** How many gateways were started; each gets its number in `CHAOS_PROCESS_ENV`. */
  started = 0;

  /**
   * `onCleanup` receives what stops the last gateway when the test ends; `launch` starts one
   * gateway on the home with the given environment (default: `openclaw gateway` with Telegram linked).
   */
  constructor(
    private readonly home: string,
    onCleanup: (step: () => unknown) => void,
    private readonly launch: (home: string, config: Record<string, unknown> | null, env: Record<string, string>) => Promise<ChannelGatewayProcess> = async (at, config, env) =>
      untilLinked(await startChannelGatewayProcess(at, config, env)),
  ) {
    // A test that failed may leave requests waiting in the gateway: no graceful stop for it.
    onCleanup(() => this.live?.stop("SIGKILL"));
  }

  async start(config: Record<string, unknown> | null): Promise<ChannelGatewayProcess> {
    this.live = await this.launch(this.home, config, { [CHAOS_PROCESS_ENV]: String(this.started++) });
    this.changed.wake();
    return this.live;
  }

  async kill(): Promise<void> {
    const victim = this.live!;
    this.live = null;
    this.kills.push(Date.now());
    victim.proc.kill("SIGKILL");
    await victim.proc.exited;
  }

  /** Kills the gateway and starts it again on the same home, `times` times, `pause()` before each kill. */
  async killAndRestart(times: number, pause: () => Promise<void>): Promise<void> {
    for (let i = 0; i < times; i++) {
      await pause();
      await this.kill();
      await this.start(null);
    }
  }

  /** The gateway to use now, waiting for the next one while there is none (or `not` is the current one). */
  next(not?: ChannelGatewayProcess): Promise<ChannelGatewayProcess> {
    return this.changed.waitFor("a live gateway", () => (this.live && this.live !== not ? this.live : undefined), 15_000);
  }

  killedBetween(from: number, to: number): boolean {
    return this.kills.some((at) => at > from && at < to);
  }
}

/** Calls `send` until the gateway answers it, repeating the same key across kills (what makes a retry safe). */
export async function sendUntilAnswered(victim: Victim, identity: DeviceIdentity, params: { to: string; message: string; idempotencyKey: string; channel?: string }) {
  let lost: ChannelGatewayProcess | undefined;
  for (let tries = 1; tries <= 20; tries++) {
    const gw = await victim.next(lost);
    const client = new GatewayClient({ url: gw.url, token: GATEWAY_TOKEN, identity, scopes: ["operator.admin"], timeoutMs: 15_000 });
    try {
      await client.connect();
      const res = await client.request("send", { channel: "telegram", ...params });
      if (res.ok) return { messageId: String(res.payload.messageId), tries };
      // Queued but not sent yet: ask again with the same key. Anything else is a real failure.
      if (!res.error?.retryable) throw new Error(`send ${params.idempotencyKey} failed: ${res.error?.code} ${res.error?.message}`);
      lost = undefined;
    } catch (error) {
      // The gateway died under the request (or before it): wait for the next one and repeat the key.
      if (!(error instanceof ClientError)) throw error;
      lost = gw;
    } finally {
      client.close();
    }
  }
  throw new Error(`send ${params.idempotencyKey} was not answered after 20 tries`);
}
