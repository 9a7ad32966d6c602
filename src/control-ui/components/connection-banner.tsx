/**
 * Above every page: what the connection is doing when it is not simply "connected", and what
 * the user can do about it (approve the device, paste a token, wait for a reconnect).
 */
import { useConnection, useGateway } from "../gateway/context.ts";
import { CopyButton } from "./copy-button.tsx";
import { SignIn } from "./sign-in.tsx";

export function ConnectionBanner() {
  const { status, error, pairingCommand } = useConnection();
  const gateway = useGateway();
  if (status === "connected") return error ? <p class="banner banner-info" role="status">{error}</p> : null;
  if (status === "pairing") {
    return (
      <section class="banner banner-warn" role="status" aria-live="polite" data-testid="pairing">
        <h2>Waiting for approval</h2>
        <p>This browser is not paired with the gateway yet. On the gateway host, run:</p>
        <p class="command-line">
          <code data-testid="pairing-command">{pairingCommand}</code>
          <CopyButton text={pairingCommand ?? ""} label="Copy command" />
        </p>
        <p class="muted">This page keeps checking and continues by itself once the device is approved.</p>
      </section>
    );
  }
  if (status === "auth-needed") {
    return (
      <section class="banner banner-error" aria-labelledby="sign-in-h" data-testid="auth-needed">
        <h2 id="sign-in-h">Sign in to the gateway</h2>
        <p role="alert">{error}</p>
        <SignIn />
      </section>
    );
  }
  if (status === "connecting") {
    return (
      <p class="banner banner-info" role="status" aria-live="polite">
        Connecting to the gateway…
      </p>
    );
  }
  return (
    <p class="banner banner-error" role="status" aria-live="polite" data-testid="disconnected">
      {error ?? "Not connected to the gateway; reconnecting by itself."}{" "}
      <button type="button" class="link-button" onClick={() => gateway.reconnect()}>
        Retry now
      </button>
    </p>
  );
}
