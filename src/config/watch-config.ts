/**
 * Watches the config file for changes, debounced. The directory is watched rather than the
 * file, so editors that write a temp file and rename it over the original (vim, `sed -i`) and
 * a file that is deleted and created again are all seen. The callback runs only when the
 * file's text actually changed.
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

export interface ConfigWatcher {
  /** The gateway wrote this text itself (and applied it): do not treat it as an outside edit. */
  markSeen(text: string): void;
  close(): void;
}

export function watchConfig(
  path: string,
  debounceMs: number,
  initialText: string | null,
  onChange: (text: string) => void,
  /** The file is gone (or unreadable) after an edit; not a change, but worth a debug line. */
  onMissing: () => void = () => {},
): ConfigWatcher {
  const name = basename(path);
  let last = initialText;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const check = async () => {
    timer = null;
    const file = Bun.file(path);
    const text = (await file.exists()) ? await file.text().catch(() => null) : null;
    if (closed) return;
    // A deleted file is a pause, not a change: editors and tools recreate it right after.
    if (text === null) {
      onMissing();
      return;
    }
    if (text === last) return;
    last = text;
    onChange(text);
  };

  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
    if (filename !== null && filename !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void check(), debounceMs);
  });
  watcher.on("error", () => {});

  return {
    markSeen(text: string) {
      last = text;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
