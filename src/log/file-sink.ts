/**
 * The JSON-lines file log: one object per line, one file per local day
 * (`openclaw-YYYY-MM-DD.log`) unless `logging.file` names a fixed file. Writes are buffered by
 * a stream so logging never blocks the event loop; a failing disk turns file logging off
 * instead of taking the gateway down.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { prepareLogDir } from "./log-dir.ts";

export interface FileSinkOptions {
  /** Directory for daily files; created (mode 0700) when missing. */
  dir: string;
  /**
   * Whether `dir` must be a real directory (no symlink) owned by this user and writable by
   * nobody else before it is used, as a dir in a shared place like `/tmp` must. Default true;
   * false for a dir the user named (`OPENCLAW_LOG_DIR`), which only has to be a writable dir.
   */
  verifyDir?: boolean;
  /** Daily files are `<prefix>-YYYY-MM-DD.log`. */
  prefix: string;
  /** Daily files older than this many days are deleted when a new day starts. Default 7. */
  retentionDays?: number;
  /** A fixed file path instead of daily files. */
  fixedFile: string | null;
  /**
   * Used when `dir` cannot be created, written or trusted; always verified like a shared dir.
   * null: no fallback, file logging is turned off instead.
   */
  fallbackDir: string | null;
  /** File logging stopped for good (the reason is in the error). */
  onError?: (error: Error) => void;
  /** File logging goes on, but not where it was asked to (e.g. the fallback dir is in use). */
  onWarning?: (message: string) => void;
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
  /** The dir daily files go to, once one has been chosen. */
  private dir: string | null = null;
  private failed = false;
  /** For the ownership check; null where there are no uids (Windows). */
  private readonly uid = process.getuid?.() ?? null;

  constructor(private readonly options: FileSinkOptions) {}

  /** The file the next line goes to. Before the first line that means choosing the dir now. */
  pathFor(ms: number): string {
    if (this.options.fixedFile) return this.options.fixedFile;
    this.dir ??= this.chooseDir().dir;
    return this.dailyPath(this.dir ?? this.options.dir, ms);
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

  private dailyPath(dir: string, ms: number): string {
    return join(dir, `${this.options.prefix}-${localDate(ms)}.log`);
  }

  /**
   * The first usable dir: `dir`, else the fallback. Chosen afresh for every day's file, since a
   * tmp cleaner may have removed the dir and someone else may have made it since.
   */
  private chooseDir(): { dir: string | null; problems: string[] } {
    const candidates: [string, boolean][] = [[this.options.dir, this.options.verifyDir ?? true]];
    if (this.options.fallbackDir && this.options.fallbackDir !== this.options.dir) candidates.push([this.options.fallbackDir, true]);
    const problems: string[] = [];
    for (const [dir, verify] of candidates) {
      const problem = prepareLogDir(dir, verify, this.uid);
      if (!problem) return { dir, problems };
      problems.push(problem);
    }
    return { dir: null, problems };
  }

  private open(ms: number, day: string): void {
    this.stream?.end();
    this.stream = null;
    this.day = day;
    let path: string;
    if (this.options.fixedFile) {
      path = this.options.fixedFile;
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      } catch (error) {
        return this.fail(new Error(`cannot create the directory of ${path}: ${(error as Error).message}`));
      }
    } else {
      const { dir, problems } = this.chooseDir();
      if (!dir) return this.fail(new Error(`cannot open a log file: ${problems.join("; ")}`));
      if (problems.length) this.options.onWarning?.(`${problems.join("; ")}; logging to ${dir} instead`);
      this.dir = dir;
      path = this.dailyPath(dir, ms);
    }
    try {
      const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
      stream.on("error", (error) => this.fail(error));
      this.stream = stream;
      this.currentPath = path;
    } catch (error) {
      return this.fail(error as Error);
    }
    if (!this.options.fixedFile) void this.prune(ms);
  }

  /** Deletes this sink's daily files older than the retention (never other prefixes' files). */
  private async prune(ms: number): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    const oldest = localDate(ms - (this.options.retentionDays ?? 7) * 86_400_000);
    const pattern = new RegExp(`^${this.options.prefix.replace(/[^a-zA-Z0-9]/g, "\\$&")}-(\\d{4}-\\d{2}-\\d{2})\\.log$`);
    try {
      for (const name of await readdir(dir)) {
        const day = pattern.exec(name)?.[1];
        if (day && day < oldest) await rm(join(dir, name), { force: true });
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
