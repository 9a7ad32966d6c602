/**
 * Runs one button's request at a time per key (a row's approve, a token's rotate) and keeps
 * what happened for the page's live status line: the outcome in words, or the error and what
 * to do. The page stays usable while a request is out; only the pressed row is busy.
 */
import { useCallback, useState } from "preact/hooks";
import { describeError } from "../../components/describe-error.ts";

export interface Notice {
  kind: "ok" | "error";
  text: string;
}

export interface Actions {
  busy: ReadonlySet<string>;
  notice: Notice | null;
  /** `key` marks what is busy; `action` is the verb phrase for an error ("approve the device"). */
  run<T>(key: string, action: string, request: () => Promise<T>, done: (result: T) => string): void;
  dismiss(): void;
}

export function useActions(): Actions {
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);
  const run = useCallback(<T,>(key: string, action: string, request: () => Promise<T>, done: (result: T) => string) => {
    setBusy((b) => new Set(b).add(key));
    const finish = () =>
      setBusy((b) => {
        const next = new Set(b);
        next.delete(key);
        return next;
      });
    request().then(
      (result) => {
        finish();
        setNotice({ kind: "ok", text: done(result) });
      },
      (error: unknown) => {
        finish();
        setNotice({ kind: "error", text: describeError(error, action) });
      },
    );
  }, []);
  return { busy, notice, run, dismiss: () => setNotice(null) };
}
