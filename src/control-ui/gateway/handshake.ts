/**
 * One connection attempt (protocol.md §3): open the socket, wait for `connect.challenge`, send
 * a `connect` signed by the device key with whatever credentials the page holds, and read the
 * answer. A refusal becomes a `HandshakeRefused` that says what the user can do.
 */
import type { HelloOk } from "../../../protocol/handshake.ts";
import { signConnect, type DeviceIdentity } from "./device-identity.ts";

export const CLIENT_ID = "openclaw-control-ui";
/** The reference Control UI connects in webchat mode; the gateway gives browsers the dashboard hints for it. */
export const CLIENT_MODE = "webchat";
export const SCOPES = ["operator.admin", "operator.approvals", "operator.pairing"];
const CHALLENGE_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;

export interface Credentials {
  /** The one-time code from the dashboard URL; cleared once used or refused. */
  bootstrapCode: string | null;
  /** A gateway token pasted by hand (this tab only). */
  gatewayToken(): string | null;
  /** Refused pasted tokens are forgotten. */
  forgetGatewayToken(): void;
  deviceToken(): Promise<string | null>;
  saveDeviceToken(token: string | null): Promise<void>;
}

export class HandshakeRefused extends Error {
  constructor(
    readonly kind: "pairing" | "auth" | "retry" | "other",
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export interface ConnectAttempt {
  url: string;
  identity: DeviceIdentity;
  credentials: Credentials;
  version: string;
}

/** A socket's frames as a queue, so nothing that arrives during the handshake is lost. */
function frameQueue(ws: WebSocket) {
  const frames: string[] = [];
  let wake: (() => void) | null = null;
  let closed: CloseEvent | null = null;
  ws.onmessage = (m) => (frames.push(String(m.data)), wake?.());
  ws.onclose = (c) => ((closed = c), wake?.());
  ws.onerror = () => wake?.();
  return {
    frames,
    async next(timeoutMs: number, what: string): Promise<any> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = frames.shift();
        if (text !== undefined) {
          try {
            return JSON.parse(text);
          } catch {
            continue;
          }
        }
        if (closed) throw new HandshakeRefused("other", closedMessage(closed));
        const left = deadline - Date.now();
        if (left <= 0) throw new HandshakeRefused("other", `the gateway did not send ${what} within ${timeoutMs / 1000} s; is this the gateway's address?`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => (clearTimeout(timer), (wake = null), resolve());
        });
      }
    },
  };
}

function closedMessage(close: CloseEvent): string {
  if (close.reason) return `the gateway closed the connection: ${close.reason}`;
  return "cannot reach the gateway; check that it is running (openclaw gateway status), reconnecting by itself";
}

export async function connectOnce({ url, identity, credentials, version }: ConnectAttempt): Promise<{ ws: WebSocket; hello: HelloOk; firstFrames: string[] }> {
  const ws = new WebSocket(url);
  const queue = frameQueue(ws);
  try {
    let challenge;
    do challenge = await queue.next(CHALLENGE_TIMEOUT_MS, "its connect challenge");
    while (challenge?.type !== "event" || challenge.event !== "connect.challenge");
    const nonce = challenge.payload?.nonce;
    if (typeof nonce !== "string" || !nonce) throw new HandshakeRefused("other", "the gateway's connect challenge has no nonce; is it an OpenClaw gateway?");

    const deviceToken = await credentials.deviceToken();
    const gatewayToken = credentials.gatewayToken();
    const bootstrapCode = credentials.bootstrapCode;
    const auth = {
      ...(gatewayToken ? { token: gatewayToken } : {}),
      ...(deviceToken ? { deviceToken } : {}),
      ...(bootstrapCode ? { bootstrapToken: bootstrapCode } : {}),
    };
    const platform = (navigator.platform || "web").slice(0, 64);
    const client = { id: CLIENT_ID, version, platform, mode: CLIENT_MODE, displayName: "Control UI", instanceId: identity.deviceId };
    const signedToken = gatewayToken ?? deviceToken ?? bootstrapCode ?? "";
    const device = await signConnect(identity, { clientId: CLIENT_ID, clientMode: CLIENT_MODE, role: "operator", scopes: SCOPES, token: signedToken, nonce, platform }, Date.now());
    const id = crypto.randomUUID();
    ws.send(
      JSON.stringify({
        type: "req",
        id,
        method: "connect",
        params: { minProtocol: 3, maxProtocol: 4, client, role: "operator", scopes: SCOPES, caps: ["tool-events"], device, auth, userAgent: navigator.userAgent.slice(0, 1024) },
      }),
    );
    let reply;
    do reply = await queue.next(CONNECT_TIMEOUT_MS, "an answer to connect");
    while (reply?.type !== "res" || reply.id !== id);
    if (!reply.ok) throw await refusalOf(reply.error ?? {}, credentials, { deviceToken, gatewayToken, bootstrapCode });

    const hello = reply.payload as HelloOk;
    // The code did its job: a device token replaces it.
    credentials.bootstrapCode = null;
    if (hello.auth?.deviceToken) await credentials.saveDeviceToken(hello.auth.deviceToken);
    return { ws, hello, firstFrames: queue.frames.splice(0) };
  } catch (error) {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000, "handshake failed");
    throw error;
  }
}

type Sent = { deviceToken: string | null; gatewayToken: string | null; bootstrapCode: string | null };

async function refusalOf(error: { code?: string; message?: string; details?: any }, credentials: Credentials, sent: Sent): Promise<HandshakeRefused> {
  const message = error.message ?? "the gateway refused the connection";
  const detail = String(error.details?.code ?? "");
  if (error.code === "NOT_PAIRED" && typeof error.details?.requestId === "string") {
    return new HandshakeRefused("pairing", "waiting for approval", error.details.requestId);
  }
  if (!message.startsWith("unauthorized") && !detail.startsWith("AUTH_")) return new HandshakeRefused("other", `${message}; retrying by itself`);
  // Drop whatever was refused, then try again if something else is left to try.
  if (sent.deviceToken && /device token/.test(message)) await credentials.saveDeviceToken(null);
  if (sent.bootstrapCode) credentials.bootstrapCode = null;
  const left = sent.gatewayToken || (sent.deviceToken && !/device token/.test(message));
  if (sent.bootstrapCode && left) return new HandshakeRefused("retry", "the dashboard code was refused; trying the stored credentials");
  if (sent.gatewayToken) credentials.forgetGatewayToken();
  if (sent.bootstrapCode) {
    return new HandshakeRefused("auth", "This dashboard link was already used or has expired. Run `openclaw dashboard` on the gateway host for a new one, or paste the gateway token below.");
  }
  if (sent.gatewayToken) return new HandshakeRefused("auth", "The gateway refused that token. Check gateway.auth.token on the gateway host (openclaw config get gateway.auth.token) and paste it again.");
  return new HandshakeRefused("auth", "This browser is not signed in. Run `openclaw dashboard` on the gateway host and open the link it prints, or paste the gateway token below.");
}
