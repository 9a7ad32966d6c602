/**
 * One page of sessions from the gateway: `sessions.list` with `search`, `agentId`, `limit` and
 * `offset`, so the browser holds 50 rows whether there are 50 sessions or 100,000. Typing is
 * debounced; an answer to an older query is dropped; the rows on screen stay until the new ones
 * come, so searching never blanks or blocks the page.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { RESYNC_EVENT } from "../../gateway/client.ts";
import { useConnection, useEvent, useGateway } from "../../gateway/context.ts";
import { errorText } from "../chat/error-text.ts";
import type { SessionsListParams, SessionsListResult } from "../chat/wire.ts";

export const PAGE_SIZE = 50;
/** Wait this long after the last keystroke before asking the gateway. */
export const SEARCH_DEBOUNCE_MS = 120;

export interface SessionQuery {
  search: string;
  /** "" = every agent. */
  agentId: string;
  offset: number;
}

export interface SessionPage {
  rows: SessionsListResult["sessions"];
  total: number;
  /** The query the rows answer. */
  shown: SessionQuery | null;
  loading: boolean;
  error: string | null;
  /** When the rows were read (the gateway's clock), for "5 min ago". */
  ts: number;
  reload(): void;
}

export function useSessionPage(query: SessionQuery): SessionPage {
  const gateway = useGateway();
  const { status } = useConnection();
  const [state, setState] = useState<Omit<SessionPage, "reload">>({ rows: [], total: 0, shown: null, loading: true, error: null, ts: Date.now() });
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastSearch = useRef(query.search);

  const load = useCallback(() => {
    const mine = ++seq.current;
    const params: SessionsListParams = { limit: PAGE_SIZE, offset: query.offset, ...(query.search.trim() ? { search: query.search.trim() } : {}), ...(query.agentId ? { agentId: query.agentId } : {}) };
    setState((s) => ({ ...s, loading: true }));
    gateway.request<SessionsListResult>("sessions.list", params).then(
      (answer) => {
        if (mine !== seq.current) return;
        setState({ rows: answer.sessions, total: answer.total, shown: query, loading: false, error: null, ts: answer.ts });
      },
      (failure: unknown) => {
        if (mine !== seq.current) return;
        setState((s) => ({ ...s, loading: false, error: errorText(failure, "list the sessions") }));
      },
    );
  }, [gateway, query.search, query.agentId, query.offset]);

  useEffect(() => {
    if (status !== "connected") return;
    if (timer.current) clearTimeout(timer.current);
    // The first page, paging and the agent filter answer at once; only typing waits for a pause.
    const wait = lastSearch.current === query.search ? 0 : SEARCH_DEBOUNCE_MS;
    lastSearch.current = query.search;
    timer.current = setTimeout(load, wait);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [status, load]);

  useEvent(RESYNC_EVENT, () => load());
  useEffect(() => () => void seq.current++, []);
  return { ...state, reload: load };
}
