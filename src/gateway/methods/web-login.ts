/**
 * `web.login.start`, `web.login.wait` and `web.login.cancel`: WhatsApp linking over RPC, on the gateway's one
 * login state machine (`src/channels/whatsapp/login.ts`), so the CLI, the Control UI and the
 * macOS app see the same QR rotation, pairing code and outcome. Answers carry the reference's
 * fields (`connected`, `message`, `qrDataUrl`, `sessionKey`) beside the raw `qr`, the `code`
 * and the `status`.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { WebLoginResult, webLoginMethods } from "../../../protocol/methods/web-login.ts";
import { WhatsAppLoginError } from "../../channels/whatsapp/login-errors.ts";
import { pairingPhoneDigits } from "../../channels/whatsapp/login-phone.ts";
import { qrDataUrl } from "../../channels/whatsapp/login-qr-image.ts";
import type { WhatsAppLoginSnapshot } from "../../channels/whatsapp/login-types.ts";
import type { HandlersOf } from "../rpc/dispatcher.ts";
import type { GatewayServices } from "../services.ts";
import { RpcError } from "../rpc/rpc-error.ts";

const CHANNEL = "whatsapp";
/** How long `start` waits for the first QR or code, and `wait` for news, unless told. */
const DEFAULT_ANSWER_WAIT_MS = 30_000;

/** Only WhatsApp links by QR or code; the reference lets `channel` name the provider. */
function checkChannel(channel: string | undefined): void {
  if (channel !== undefined && channel.trim().toLowerCase() !== CHANNEL) {
    throw new RpcError(ErrorCodes.INVALID_REQUEST, `web login is not supported by channel ${channel}: only whatsapp links this way`);
  }
}

function rpcErrorOf(error: unknown): unknown {
  return error instanceof WhatsAppLoginError ? new RpcError(ErrorCodes.INVALID_REQUEST, error.message, { reason: error.code }) : error;
}

/** The latest QRs' images: a QR is rendered once however many waits return it. */
const images = new Map<string, Promise<string>>();
function imageOf(qr: string): Promise<string> {
  let image = images.get(qr);
  if (!image) {
    image = qrDataUrl(qr);
    images.set(qr, image);
    // A few rotations of a few logins are all anyone still shows.
    for (const key of images.keys()) if (images.size > 16) images.delete(key);
  }
  return image;
}

function messageOf(s: WhatsAppLoginSnapshot): string {
  switch (s.status) {
    case "connecting":
      return "Connecting to WhatsApp…";
    case "qr":
      return "Scan this QR code with WhatsApp on the phone: Settings → Linked devices → Link a device. It is replaced every 20–60 s.";
    case "code":
      return `Enter this code in WhatsApp on the phone: Linked devices → Link a device → Link with phone number instead: ${s.code}`;
    case "pairing":
      return "The phone accepted the link; finishing…";
    case "linked":
      return `Linked${s.phone ? ` as ${s.phone}` : ""}${s.note ? `; ${s.note}` : "; the account is starting"}`;
    default:
      return s.error ?? `the login ended (${s.status})`;
  }
}

async function resultOf(s: WhatsAppLoginSnapshot, extra: { reused?: boolean } = {}): Promise<WebLoginResult> {
  return {
    channel: CHANNEL,
    accountId: s.accountId,
    sessionKey: s.sessionKey,
    status: s.status,
    connected: s.status === "linked",
    message: messageOf(s),
    mode: s.mode,
    ...(s.qr ? { qr: s.qr, qrDataUrl: await imageOf(s.qr) } : {}),
    qrCount: s.qrCount,
    ...(s.code ? { code: s.code } : {}),
    ...(s.error ? { error: s.error } : {}),
    ...(s.phone ? { phone: s.phone } : {}),
    expiresAt: s.expiresAt,
    version: s.version,
    ...extra,
  };
}

export const webLoginHandlers: HandlersOf<typeof webLoginMethods> = {
  "web.login.start": async (params, { services }) => {
    checkChannel(params.channel);
    const outcome = await (async () => {
      const pairingPhone = params.pairingCode ? pairingPhoneDigits(params.pairingCode.phone) : undefined;
      return services.whatsappLogin.start({ accountId: params.accountId, force: params.force, pairingPhone, timeoutMs: params.linkTimeoutMs });
    })().catch((error) => {
      throw rpcErrorOf(error);
    });
    if ("alreadyLinked" in outcome) {
      const phone = outcome.alreadyLinked.phone;
      return {
        channel: CHANNEL,
        accountId: outcome.accountId,
        status: "linked",
        connected: true,
        message: `WhatsApp account ${outcome.accountId} is already linked${phone ? ` as ${phone}` : ""}; start again with force to link it anew`,
        ...(phone ? { phone } : {}),
      };
    }
    const snapshot = await outcome.login.waitFor((s) => s.status !== "connecting", params.timeoutMs ?? DEFAULT_ANSWER_WAIT_MS);
    return resultOf(snapshot, { reused: outcome.reused });
  },

  "web.login.wait": async (params, { services }) => {
    checkChannel(params.channel);
    const login = findLogin(services.whatsappLogin, params);
    const seen = login.snapshot();
    const timeoutMs = params.timeoutMs ?? DEFAULT_ANSWER_WAIT_MS;
    let until: (s: WhatsAppLoginSnapshot) => boolean;
    if (params.afterVersion !== undefined) {
      const after = params.afterVersion;
      until = (s) => s.version > after;
    } else if (params.currentQrDataUrl !== undefined && seen.qr && (await imageOf(seen.qr)) !== params.currentQrDataUrl) {
      // The caller shows an older QR than the current one: it needs this one now.
      return resultOf(seen);
    } else {
      // The reference's semantics: the next QR (or code), or the end.
      until = (s) => s.status !== seen.status || s.qrCount !== seen.qrCount || s.code !== seen.code;
    }
    return resultOf(await login.waitFor(until, timeoutMs));
  },

  "web.login.cancel": async (params, { services }) => {
    checkChannel(params.channel);
    const login = findLogin(services.whatsappLogin, params);
    return resultOf(login.ended ? login.snapshot() : await login.cancel("stopped by the user; nothing was linked"));
  },
};

/** The attempt a session key names, else the account's latest; a clear error when there is none. */
function findLogin(service: GatewayServices["whatsappLogin"], params: { accountId?: string; sessionKey?: string }) {
  const accountId = params.accountId ?? (params.sessionKey === undefined ? service.defaultAccountId() : undefined);
  const login = service.find({ sessionKey: params.sessionKey, accountId });
  if (!login) {
    const which = params.sessionKey !== undefined ? `session ${params.sessionKey}` : `WhatsApp account ${accountId}`;
    throw new RpcError(ErrorCodes.INVALID_REQUEST, `no login found for ${which} (it ended more than 10 minutes ago, or none was started): start one with web.login.start`);
  }
  return login;
}
