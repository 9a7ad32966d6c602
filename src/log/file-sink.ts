/**
 * The JSON-lines file log: one object per line, one file per local day
 * (`openclaw-YYYY-MM-DD.log`) unless `logging.file` names a fixed file. Writes are buffered by
 * a stream so logging never blocks the event loop; a failing disk turns file logging off
 * instead of taking the gateway down.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface FileSinkOptions {
  /** Directory for daily files. */
  dir: string;
  /** Daily files are `<prefix>-YYYY-MM-DD.log`. */
  prefix: string;
  /** Daily files older than this many days are deleted when a new day starts. Default 7. */
  retentionDays?: number;
  /** A fixed file path instead of daily files. */
  fixedFile: string | null;
  /** Used when `dir` cannot be created or written. */
  fallbackDir: string;
  onError?: (error: Error) => void;
}

export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export class FileSink {
  private stream: WriteStream | null = null;
  private currentPath: string | null = null;
  private day = "";
  private dir: string;
  private failed = false;

  constructor(private readonly options: FileSinkOptions) {
    this.dir = options.dir;
  }

  /** The file the next line goes to. */
  pathFor(ms: number): string {
    return this.options.fixedFile ?? join(this.dir, `${this.options.prefix}-${localDate(ms)}.log`);
  }

  get path(): string | null {
    return this.currentPath;
  }

  write(line: string, ms = Date.now()): void {
    if (this.failed) return;
    const day = this.options.fixedFile ? "" : localDate(ms);
    if (!this.stream || day !== this.day) this.open(ms, day);
    this.stream?.write(line + "\n");
  }

  private open(ms: number, day: string): void {
    this.stream?.end();
    this.stream = null;
    this.day = day;
    for (const dir of this.options.fixedFile ? [null] : [this.dir, this.options.fallbackDir]) {
      if (dir) this.dir = dir;
      const path = this.pathFor(ms);
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
        stream.on("error", (error) => this.fail(error));
        this.stream = stream;
        this.currentPath = path;
        if (!this.options.fixedFile) void this.prune(ms);
        return;
      } catch {
        // try the fallback dir
      }
    }
    this.fail(new Error(`cannot open a log file in ${this.options.dir} or ${this.options.fallbackDir}`));
  }

  /** Deletes this sink's daily files older than the retention (never other prefixes' files). */
  private async prune(ms: number): Promise<void> {
    const oldest = localDate(ms - (this.options.retentionDays ?? 7) * 86_400_000);
    const pattern = new RegExp(`^${this.options.prefix.replace(/[^a-zA-Z0-9]/g, "\\$&")}-(\\d{4}-\\d{2}-\\d{2})\\.log$`);
    try {
      for (const name of await readdir(this.dir)) {
        const day = pattern.exec(name)?.[1];
        if (day && day < oldest) await rm(join(this.dir, name), { force: true });
      }
    } catch {
      // pruning is housekeeping; a failure must not affect logging
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.stream = null;
    this.options.onError?.(error);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
