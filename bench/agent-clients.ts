/**
 * The three ways bench/agent-bench.ts asks for a streamed reply, each timed the same way
 * (`performance.now()` when the bytes or the event reach this process): straight from the fake
 * provider, through the gateway's `/v1/chat/completions` (SSE), and through the gateway's `agent`
 * method (WebSocket `agent` events, with the CLI's own client). Both SSE paths share one reader,
 * so only the gateway differs between them.
 */
import { DeviceIdentity } from "../src/client/device-identity.ts";
import { GatewayClient } from "../src/client/gateway-client.ts";

export interface Timing {
  /** Request sent → first content token, ms. */
  ttftMs: number;
  /** First → last content token, ms. */
  spanMs: number;
  tokens: number;
}

/** Reads an OpenAI Chat Completions SSE body, noting when content tokens arrive. */
async function readTokens(response: Response, sentAt: number): Promise<Timing> {
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let first = 0;
  let last = 0;
  let tokens = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = performance.now();
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith("data: ") || frame === "data: [DONE]") continue;
      if (!JSON.parse(frame.slice(6)).choices?.[0]?.delta?.content) continue;
      if (tokens++ === 0) first = now;
      last = now;
    }
  }
  return { ttftMs: first - sentAt, spanMs: last - first, tokens };
}

/** One streamed Chat Completions request (the fake provider's or the gateway's endpoint). */
export async function sseRun(url: string, prompt: string, headers: Record<string, string> = {}): Promise<Timing> {
  const body = JSON.stringify({ model: "m", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: prompt }] });
  const sentAt = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return readTokens(response, sentAt);
}

interface Watch {
  sentAt: number;
  first: number;
  last: number;
  tokens: number;
}

/** One operator connection running `agent` turns; times each run from its `agent` events. */
export class AgentRunner {
  private readonly runs = new Map<string, Watch>();
  private readonly client: GatewayClient;

  private constructor(client: GatewayClient) {
    this.client = client;
  }

  static async connect(url: string, token: string, stateDir: string): Promise<AgentRunner> {
    let runner!: AgentRunner;
    const client = new GatewayClient({
      url, token, identity: await DeviceIdentity.load(stateDir), scopes: ["operator.admin"],
      onEvent: (event, payload: any) => {
        if (event !== "agent" || payload?.stream !== "assistant") return;
        const watch = runner.runs.get(payload.runId);
        if (!watch) return;
        const now = performance.now();
        if (watch.tokens++ === 0) watch.first = now;
        watch.last = now;
      },
    });
    runner = new AgentRunner(client);
    await client.connect();
    return runner;
  }

  /** Tokens seen so far by each run in flight (for "were they really concurrent"). */
  inFlightWithTokens(): number {
    return [...this.runs.values()].filter((w) => w.tokens > 0).length;
  }

  /** One turn in its own session, so no run's history grows the next one's request. */
  async run(prompt: string, sessionKey: string): Promise<Timing> {
    const runId = crypto.randomUUID();
    const watch: Watch = { sentAt: performance.now(), first: 0, last: 0, tokens: 0 };
    this.runs.set(runId, watch);
    try {
      const res = await this.client.request("agent", { message: prompt, idempotencyKey: runId, sessionKey }, { timeoutMs: 300_000 });
      if (!res.ok) throw new Error(`agent failed: ${res.error?.code} ${res.error?.message}`);
      return { ttftMs: watch.first - watch.sentAt, spanMs: watch.last - watch.first, tokens: watch.tokens };
    } finally {
      this.runs.delete(runId);
    }
  }

  close(): void {
    this.client.close();
  }
}
