/**
 * Loads something from the gateway for a page: on mount, again after every reconnect, and on
 * demand (`reload`, `reloadSoon` for bursts of events), and after missed events. A failed reload keeps the last data on
 * screen beside the error, so a slow or failing call never blanks the page; an answer that
 * arrives after a newer request was made is dropped.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { GatewayClient } from "../../gateway/client.ts";
import { RESYNC_EVENT } from "../../gateway/client.ts";
import { useConnection, useEvent, useGateway } from "../../gateway/context.ts";
import { describeError } from "../../components/describe-error.ts";

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
  /** Coalesces calls within 150 ms into one reload (events often come in bursts). */
  reloadSoon(): void;
}

export function useResource<T>(load: (gateway: GatewayClient) => Promise<T>, action: string): Resource<T> {
  const gateway = useGateway();
  const { status } = useConnection();
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const latest = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(gateway).then(
      (data) => {
        if (mine === latest.current) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (mine === latest.current) setState((s) => ({ data: s.data, error: describeError(error, action), loading: false }));
      },
    );
  }, [gateway, action]);

  const reloadSoon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, 150);
  }, [reload]);

  useEffect(() => {
    if (status === "connected") reload();
  }, [status, reload]);
  // Events were missed (a `seq` gap): what is on screen may be stale. (A reconnect, the other
  // reason for a resync, already reloads through `status` above.)
  useEvent(RESYNC_EVENT, (payload: { reason?: string } | undefined) => {
    if (payload?.reason !== "connected") reloadSoon();
  });
  useEffect(
    () => () => {
      latest.current++;
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return { ...state, reload, reloadSoon };
}
