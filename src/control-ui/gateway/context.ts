/**
 * How pages reach the gateway: one `GatewayClient` per page, handed down by `GatewayContext`.
 * `useConnection` re-renders on state changes; `useEvent` subscribes for the component's life.
 */
import { createContext } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { GatewayClient, type ConnectionState } from "./client.ts";
import { pastedToken, setPastedToken, storedDeviceToken, storeDeviceToken } from "./credentials.ts";
import { loadIdentity } from "./device-identity.ts";
import type { Credentials } from "./handshake.ts";

export const GatewayContext = createContext<GatewayClient | null>(null);

export function useGateway(): GatewayClient {
  const client = useContext(GatewayContext);
  if (!client) throw new Error("useGateway() outside <GatewayContext.Provider>");
  return client;
}

export function useConnection(): ConnectionState {
  const client = useGateway();
  const [state, setState] = useState(client.state);
  useEffect(() => {
    setState(client.state);
    return client.onState(setState);
  }, [client]);
  return state;
}

/** Calls `fn` for each `event` while the component is mounted; the latest `fn` is always used. */
export function useEvent(event: string, fn: (payload: any) => void): void {
  const client = useGateway();
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}

/** The page's client: same origin, same path (the UI's base path), the stored credentials. */
export function createPageClient(bootstrapCode: string | null, version: string): GatewayClient {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const credentials: Credentials = {
    bootstrapCode,
    gatewayToken: pastedToken,
    forgetGatewayToken: () => setPastedToken(null),
    deviceToken: storedDeviceToken,
    saveDeviceToken: storeDeviceToken,
  };
  return new GatewayClient({ url: `${scheme}//${location.host}${location.pathname}`, identity: loadIdentity, credentials, version });
}
