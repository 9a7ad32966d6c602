/**
 * Drives one WhatsApp link attempt from the page, on the gateway's login state machine (the
 * same one `openclaw channels login` uses): `web.login.start`, then `web.login.wait` with the
 * last `version` seen, so each rotated QR, the pairing code, the phone's scan and the end
 * arrive as they happen. On mount it picks up an attempt already running (started by the CLI
 * or another browser). Leaving the page stops the waiting, not the attempt: it ends by itself.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { WebLoginResult } from "../../../../protocol/methods/web-login.ts";
import { describeError } from "../../components/describe-error.ts";
import { useConnection, useGateway } from "../../gateway/context.ts";

const FINAL = new Set(["linked", "failed", "timeout"]);
/** How long one `web.login.wait` may hold; the request's own timeout is a little longer. */
const WAIT_MS = 25_000;

export interface LinkState {
  result: WebLoginResult | null;
  /** A request is out (start or wait). */
  active: boolean;
  error: string | null;
}

export interface StartRequest {
  accountId: string;
  /** E.164: link with a code typed on the phone instead of a QR. */
  phone?: string;
  force?: boolean;
}

export function useWhatsAppLogin(accountId: string) {
  const gateway = useGateway();
  const { status } = useConnection();
  const [state, setState] = useState<LinkState>({ result: null, active: false, error: null });
  // Each start or stop begins a new generation; answers of an older one are dropped.
  const generation = useRef(0);

  const follow = useCallback(
    async (mine: number, first: WebLoginResult) => {
      let current = first;
      while (mine === generation.current && !FINAL.has(current.status) && current.sessionKey) {
        try {
          current = await gateway.request<WebLoginResult>(
            "web.login.wait",
            { sessionKey: current.sessionKey, afterVersion: current.version, timeoutMs: WAIT_MS },
            { timeoutMs: WAIT_MS + 10_000 },
          );
        } catch (error) {
          if (mine === generation.current) setState((s) => ({ ...s, active: false, error: describeError(error, "follow the WhatsApp link") }));
          return;
        }
        if (mine === generation.current) setState({ result: current, active: !FINAL.has(current.status), error: null });
      }
      if (mine === generation.current) setState((s) => ({ ...s, active: false }));
    },
    [gateway],
  );

  const start = useCallback(
    async (request: StartRequest) => {
      const mine = ++generation.current;
      setState({ result: null, active: true, error: null });
      try {
        const first = await gateway.request<WebLoginResult>(
          "web.login.start",
          { accountId: request.accountId, ...(request.force ? { force: true } : {}), ...(request.phone ? { pairingCode: { phone: request.phone } } : {}), timeoutMs: WAIT_MS },
          { timeoutMs: WAIT_MS + 10_000 },
        );
        if (mine !== generation.current) return;
        setState({ result: first, active: !FINAL.has(first.status), error: null });
        await follow(mine, first);
      } catch (error) {
        if (mine === generation.current) setState({ result: null, active: false, error: describeError(error, "start linking WhatsApp") });
      }
    },
    [gateway, follow],
  );

  const stop = useCallback(() => {
    generation.current++;
    setState((s) => ({ ...s, active: false }));
  }, []);

  // An attempt someone else started (the CLI, another tab) is shown too.
  useEffect(() => {
    if (status !== "connected") return;
    const mine = ++generation.current;
    gateway.request<WebLoginResult>("web.login.wait", { accountId, timeoutMs: 0 }).then(
      (found) => {
        if (mine !== generation.current || FINAL.has(found.status)) return;
        setState({ result: found, active: true, error: null });
        void follow(mine, found);
      },
      () => {
        // No attempt for this account: nothing to show until the user starts one.
      },
    );
    return () => {
      generation.current++;
    };
  }, [status, accountId, gateway, follow]);

  return { ...state, start, stop };
}
