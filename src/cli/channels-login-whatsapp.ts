/**
 * `openclaw channels login --channel whatsapp`: links a WhatsApp account through the running
 * gateway, which owns the socket and the credential store (`web.login.start`/`wait`), so the
 * CLI, the Control UI and the macOS app go through the same login state machine. Each rotating
 * QR is drawn in the terminal (on a TTY the new one replaces the old); with `--pairing-code`
 * the 8-character code is printed with where to type it. Exits 0 once linked, 1 with the
 * gateway's reason when the link failed or timed out, 130 after Ctrl-C (the attempt is cancelled
 * in the gateway, so nothing half-linked stays behind).
 */
import type { WebLoginResult } from "../../protocol/methods/web-login.ts";
import { CliError } from "./cli-error.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { CLI_SCOPES, connectionArgs, withGateway, type ConnectionFlags } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";

/** Default `--timeout`: Baileys offers QRs for about 160 s, so this covers all of them. */
export const DEFAULT_LOGIN_TIMEOUT_S = 180;
const MAX_LOGIN_TIMEOUT_S = 600;
/** Each `web.login.wait` asks for news within this long; the request timeout leaves it room. */
const WAIT_SLICE_MS = 25_000;
const REQUEST_TIMEOUT_MS = WAIT_SLICE_MS + 15_000;
/** The gateway gives a device the phone accepted up to a minute more; the CLI waits for that too. */
const CLIENT_GRACE_MS = 90_000;

/** The flags `channels login` adds for WhatsApp (and the connection flags, with `--timeout` in seconds for the whole login). */
export const whatsappLoginArgs = {
  "pairing-code": { type: "boolean", description: "WhatsApp: link with a code typed on the phone instead of a QR (needs --phone)", default: false },
  phone: { type: "string", description: "WhatsApp: the account's number for --pairing-code, E.164 (+15551234567)" },
  force: { type: "boolean", description: "WhatsApp: link again although linked (the current link stays until the new one is saved)", default: false },
  timeout: { type: "string", description: `WhatsApp: give up after this many seconds (default ${DEFAULT_LOGIN_TIMEOUT_S})` },
  url: connectionArgs.url,
  token: connectionArgs.token,
  password: connectionArgs.password,
  json: { type: "boolean", description: "WhatsApp: print each update as one JSON line", default: false },
} as const;

export interface WhatsAppLoginArgs extends Pick<ConnectionFlags, "url" | "token" | "password"> {
  accountId?: string;
  /** `--pairing-code` (needs `phone`). */
  "pairing-code"?: boolean;
  /** `--phone <E.164>`; implies a pairing code. */
  phone?: string;
  /** `--timeout <seconds>`. Default 180. */
  timeout?: string;
  force?: boolean;
  /** One JSON object per update instead of drawings and sentences. */
  json?: boolean;
}

interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

type QrTerminal = { generate(text: string, options: { small: boolean }, done: (drawing: string) => void): void };

function timeoutSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LOGIN_TIMEOUT_S;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 10 || seconds > MAX_LOGIN_TIMEOUT_S) {
    throw new CliError(`invalid --timeout ${raw}: the whole login may take 10 to ${MAX_LOGIN_TIMEOUT_S} seconds`);
  }
  return seconds;
}

/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;
const INTERRUPTED = Symbol("interrupted");

/** Resolves on the first SIGINT/SIGTERM while installed (the default action, exiting at once, is what it replaces). */
function untilInterrupted(): { happened: Promise<typeof INTERRUPTED>; dispose(): void } {
  let fire!: () => void;
  const happened = new Promise<typeof INTERRUPTED>((resolve) => (fire = () => resolve(INTERRUPTED)));
  process.once("SIGINT", fire);
  process.once("SIGTERM", fire);
  return {
    happened,
    dispose() {
      process.off("SIGINT", fire);
      process.off("SIGTERM", fire);
    },
  };
}

/** `ABCD1234` → `ABCD-1234`, as WhatsApp shows the boxes. */
const spaced = (code: string) => (code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code);

/** Draws each new state once: a QR (replacing the last one on a TTY), the code, the progress. */
class LoginRenderer {
  private shownQr = 0;
  private shownCode: string | undefined;
  private shownPairing = false;
  private drawnLines = 0;
  private qrTerminal: QrTerminal | null = null;

  constructor(private readonly out: Output) {}

  async show(result: WebLoginResult): Promise<void> {
    if (result.qr && (result.qrCount ?? 0) > this.shownQr) {
      this.shownQr = result.qrCount ?? this.shownQr + 1;
      await this.drawQr(result.qr);
    }
    if (result.code && result.code !== this.shownCode) {
      this.shownCode = result.code;
      this.out.write(
        `\nPairing code: ${spaced(result.code)}\n` +
          "On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then enter the code.\n",
      );
    }
    if (result.status === "pairing" && !this.shownPairing) {
      this.shownPairing = true;
      this.drawnLines = 0;
      this.out.write("The phone accepted the link; finishing…\n");
    }
  }

  private async drawQr(qr: string): Promise<void> {
    // Loaded only here: no other command needs the QR encoder.
    this.qrTerminal ??= ((await import("qrcode-terminal" as string)) as { default: QrTerminal }).default;
    let drawing = "";
    this.qrTerminal.generate(qr, { small: true }, (text) => (drawing = text));
    const block = `Scan this QR code with WhatsApp on the phone: Settings → Linked devices → Link a device (QR ${this.shownQr}; a new one replaces it every 20–60 s)\n${drawing}\n`;
    // On a terminal the stale QR is erased, so nobody scans a code WhatsApp no longer accepts.
    if (this.out.isTTY && this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.out.write(block);
    this.drawnLines = block.split("\n").length - 1;
  }
}

/** Runs the login to its end; resolves with the final (linked) result, throws a CliError otherwise. */
export async function loginWhatsApp(args: WhatsAppLoginArgs, out: Output = process.stdout): Promise<WebLoginResult> {
  const phone = args.phone?.trim();
  if (args.phone !== undefined && !phone) throw new CliError("--phone must not be blank");
  if (args["pairing-code"] && !phone) throw new CliError("--pairing-code needs --phone <number in E.164, e.g. +15551234567>");
  const seconds = timeoutSeconds(args.timeout);
  const flags: ConnectionFlags = { url: args.url, token: args.token, password: args.password, timeout: String(REQUEST_TIMEOUT_MS) };
  const renderer = new LoginRenderer(out);
  const report = async (result: WebLoginResult) => (args.json ? out.write(JSON.stringify(result) + "\n") : renderer.show(result));

  const final = await withGateway(flags, CLI_SCOPES, async (client) => {
    const interrupt = untilInterrupted();
    // Ctrl-C ends the attempt in the gateway too, instead of leaving it to run out its deadline.
    const orCancel = async (call: Promise<unknown>, sessionKey: string | undefined): Promise<WebLoginResult> => {
      const outcome = await Promise.race([call, interrupt.happened]);
      if (outcome !== INTERRUPTED) return outcome as WebLoginResult;
      const which = sessionKey ? { sessionKey } : args.accountId ? { accountId: args.accountId } : {};
      await client.call("web.login.cancel", { channel: "whatsapp", ...which }).catch(() => undefined);
      throw new CliError("login cancelled: nothing was linked", EXIT_INTERRUPTED);
    };
    try {
      let result = await orCancel(
        client.call("web.login.start", {
          channel: "whatsapp",
          ...(args.accountId ? { accountId: args.accountId } : {}),
          ...(args.force ? { force: true } : {}),
          ...(phone ? { pairingCode: { phone } } : {}),
          linkTimeoutMs: seconds * 1000,
          timeoutMs: WAIT_SLICE_MS,
        }),
        undefined,
      );
      const giveUpAt = Date.now() + seconds * 1000 + CLIENT_GRACE_MS;
      await report(result);
      while (result.sessionKey && !["linked", "failed", "timeout"].includes(result.status)) {
        if (Date.now() > giveUpAt) throw new CliError(`the gateway did not finish the login within ${seconds} s; check its log`);
        const sessionKey = result.sessionKey;
        result = await orCancel(client.call("web.login.wait", { channel: "whatsapp", sessionKey, afterVersion: result.version ?? 0, timeoutMs: WAIT_SLICE_MS }), sessionKey);
        await report(result);
      }
      return result;
    } finally {
      interrupt.dispose();
    }
  });

  if (final.status !== "linked") {
    const what = final.status === "timeout" ? "WhatsApp login timed out" : "WhatsApp login failed";
    throw new CliError(`${what}: ${final.error ?? final.message}`);
  }
  if (!args.json) {
    const hint = (command: string) => commandHint(flagsProfile(globalFlags()), command);
    // Nothing was started: the account was linked before (the gateway's sentence speaks of RPC params).
    const said = final.sessionKey ? final.message : `WhatsApp account ${final.accountId} is already linked${final.phone ? ` as ${final.phone}` : ""}; to link it anew run ${hint("channels login --channel whatsapp --force")}`;
    out.write(`${said}\nCheck it with: ${hint("channels status --channel whatsapp")}\n`);
  }
  return final;
}
