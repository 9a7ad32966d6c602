/**
 * Sessions: every stored conversation, searchable by key or label, one page of 50 at a time
 * (paged by the gateway, so 10,000 sessions cost what 50 do). A session's name opens it in Chat.
 */
import { useState } from "preact/hooks";
import { formatAgo } from "../components/format.ts";
import { chatHref, hashParams } from "./chat/hash-params.ts";
import { shortKey } from "./chat/session-picker.tsx";
import { useAgentList } from "./chat/use-agents.ts";
import { SessionManage } from "./sessions/session-manage.tsx";
import "./sessions/sessions.css";
import { PAGE_SIZE, useSessionPage, type SessionQuery } from "./sessions/use-session-page.ts";

const number = new Intl.NumberFormat();

function tokens(usage: { inputTokens: number; outputTokens: number }): string {
  const total = usage.inputTokens + usage.outputTokens;
  return total >= 10_000 ? `${number.format(Math.round(total / 1000))}k tokens` : `${number.format(total)} tokens`;
}

/** Keeps the search in the URL (`#/sessions?q=…`), so a reload or a shared link finds the same. */
function rememberSearch(search: string): void {
  const url = new URL(location.href);
  url.hash = search.trim() ? `#/sessions?q=${encodeURIComponent(search)}` : "#/sessions";
  history.replaceState(history.state, "", url);
}

export default function SessionsPage() {
  const agents = useAgentList();
  const [query, setQueryState] = useState<SessionQuery>(() => ({ search: hashParams().get("q") ?? "", agentId: "", offset: 0 }));
  const setQuery = (next: SessionQuery) => {
    if (next.search !== query.search) rememberSearch(next.search);
    setQueryState(next);
  };
  const [managing, setManaging] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const page = useSessionPage(query);
  const first = page.rows.length === 0 ? 0 : (page.shown?.offset ?? 0) + 1;
  const last = (page.shown?.offset ?? 0) + page.rows.length;
  const searching = query.search.trim() !== "";

  return (
    <section class="page sessions-page" aria-labelledby="sessions-title">
      <div class="page-head">
        <h1 id="sessions-title">Sessions</h1>
        <button type="button" class="button" onClick={page.reload}>
          Refresh
        </button>
      </div>
      <form class="sessions-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field field-grow">
          <label for="sessions-search">Search</label>
          <input
            id="sessions-search"
            type="search"
            placeholder="Key or label, e.g. telegram or Inbox"
            autocomplete="off"
            value={query.search}
            onInput={(e) => setQuery({ ...query, search: e.currentTarget.value, offset: 0 })}
          />
        </div>
        <div class="field">
          <label for="sessions-agent">Agent</label>
          <select id="sessions-agent" value={query.agentId} onChange={(e) => setQuery({ ...query, agentId: e.currentTarget.value, offset: 0 })}>
            <option value="">All agents</option>
            {agents.agents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.label}
              </option>
            ))}
          </select>
        </div>
      </form>

      <p class="sessions-count" role="status" aria-live="polite" aria-busy={page.loading}>
        {page.shown === null
          ? "Loading sessions…"
          : page.total === 0
            ? searching
              ? `No session matches “${page.shown.search.trim()}”.`
              : "No sessions yet. A conversation becomes a session with its first message (Chat page or a channel)."
            : `${number.format(first)}–${number.format(last)} of ${number.format(page.total)} sessions${page.loading ? " (updating…)" : ""}`}
      </p>
      {notice ? (
        <p class="banner banner-info sessions-notice" role="status">
          {notice}
        </p>
      ) : null}
      {page.error ? (
        <p class="banner banner-error" role="alert">
          {page.error}
        </p>
      ) : null}

      <ul class="list sessions-list" aria-label="Sessions" aria-busy={page.loading}>
        {page.rows.map((s) => (
          <li key={s.key} class="list-row session-row" data-key={s.key}>
            <a class="name" href={chatHref(s.key)}>
              {s.label ?? shortKey(s.key)}
            </a>
            {s.label ? <span class="detail mono">{shortKey(s.key)}</span> : null}
            <span class="session-meta detail">
              <span class="tag">{s.agentId}</span> {number.format(s.messageCount)} messages · {tokens(s.usage)} ·{" "}
              <time dateTime={new Date(s.updatedAt).toISOString()} title={new Date(s.updatedAt).toLocaleString()}>
                {formatAgo(s.updatedAt, page.ts)}
              </time>
              {s.model ? <> · {s.model}</> : null}
            </span>
            <button
              type="button"
              class="button small session-manage-toggle"
              aria-expanded={managing === s.key}
              aria-label={`Manage ${s.label ?? shortKey(s.key)}`}
              onClick={() => setManaging(managing === s.key ? null : s.key)}
            >
              Manage
            </button>
            {managing === s.key ? (
              <SessionManage
                sessionKey={s.key}
                label={s.label}
                onChanged={(message) => {
                  setNotice(`${s.label ?? shortKey(s.key)}: ${message}`);
                  setManaging(null);
                  page.reload();
                }}
              />
            ) : null}
          </li>
        ))}
      </ul>

      {page.total > PAGE_SIZE ? (
        <nav class="pager" aria-label="Session pages">
          <button type="button" class="button" disabled={query.offset === 0} onClick={() => setQuery({ ...query, offset: Math.max(0, query.offset - PAGE_SIZE) })}>
            Previous
          </button>
          <span class="muted">
            Page {number.format(Math.floor(query.offset / PAGE_SIZE) + 1)} of {number.format(Math.ceil(page.total / PAGE_SIZE))}
          </span>
          <button type="button" class="button" disabled={query.offset + PAGE_SIZE >= page.total} onClick={() => setQuery({ ...query, offset: query.offset + PAGE_SIZE })}>
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
