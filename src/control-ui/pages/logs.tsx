/**
 * Logs: a live tail of the gateway's file log with a lowest-level filter, a text search,
 * pause, and a download of the newest part of the file. The list sticks to the bottom while
 * the reader is there, and stays put when they scroll up to read.
 */
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useGateway } from "../gateway/context.ts";
import { describeError } from "../components/describe-error.ts";
import { downloadLog } from "./logs/download.ts";
import { LEVELS, matches, shortTime, type Level } from "./logs/log-entry.ts";
import { MAX_LINES, useLogTail } from "./logs/use-log-tail.ts";
import "./devices/admin.css";
import "./logs/logs.css";

/** Rendering more rows than this makes typing in the search field lag on a phone. */
const MAX_SHOWN = 1000;

export default function LogsPage() {
  const gateway = useGateway();
  const [paused, setPaused] = useState(false);
  const [minLevel, setMinLevel] = useState<Level>("info");
  const [search, setSearch] = useState("");
  const [downloadNote, setDownloadNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [downloading, setDownloading] = useState(false);
  const tail = useLogTail(paused);
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  const shown = useMemo(() => tail.entries.filter((e) => matches(e, minLevel, search.trim())), [tail.entries, minLevel, search]);
  const visible = shown.length > MAX_SHOWN ? shown.slice(-MAX_SHOWN) : shown;

  useLayoutEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [visible]);

  const download = () => {
    setDownloading(true);
    downloadLog(gateway).then(
      (d) => {
        setDownloading(false);
        setDownloadNote({ kind: "ok", text: `Saved ${d.lines} lines as ${d.fileName}${d.partial ? " (the newest part only: the gateway sends at most 1 MB at a time; the whole file is on the gateway host)" : ""}.` });
      },
      (error) => {
        setDownloading(false);
        setDownloadNote({ kind: "error", text: describeError(error, "download the log") });
      },
    );
  };

  return (
    <div class="page admin-page logs-page">
      <h1>Logs</h1>
      <div class="toolbar" role="toolbar" aria-label="Log controls">
        <label>
          Level
          <select value={minLevel} onChange={(e) => setMinLevel(e.currentTarget.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and up
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Search
          <input type="search" value={search} placeholder="text in message or subsystem" onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <button type="button" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? "Resume" : "Pause"}
        </button>
        <button type="button" disabled={downloading} onClick={download}>
          {downloading ? "Downloading…" : "Download"}
        </button>
      </div>
      <p class="notice-line" role="status" aria-live="polite">
        {tail.error ? (
          <span class="error-text">{tail.error}</span>
        ) : downloadNote ? (
          <span class={downloadNote.kind === "error" ? "error-text" : "ok-text"}>{downloadNote.text}</span>
        ) : (
          <span class="muted">
            {paused ? "Paused. " : tail.ready ? "Following " : "Reading "}
            {tail.file ?? "the gateway log"}
            {tail.ready && ` · ${shown.length} of ${tail.entries.length} lines match`}
            {tail.entries.length >= MAX_LINES && ` (the newest ${MAX_LINES} are kept)`}
          </span>
        )}
      </p>
      <div
        class="log-list"
        ref={list}
        role="log"
        aria-label="Gateway log lines"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {visible.length === 0 && tail.ready && <p class="muted">{tail.entries.length === 0 ? "The log has no lines yet." : "No line matches the level and search."}</p>}
        {visible.map((e) =>
          e.level === "notice" ? (
            <div key={e.id} class="log-row notice">
              {e.message}
            </div>
          ) : (
            <div key={e.id} class={`log-row level-${e.level}`}>
              <time dateTime={e.time} title={e.time}>
                {shortTime(e.time)}
              </time>
              <span class="log-level">{e.level}</span>
              <span class="log-subsystem">{e.subsystem}</span>
              <span class="log-message">{e.message}</span>
            </div>
          ),
        )}
      </div>
    </div>
  );
}
