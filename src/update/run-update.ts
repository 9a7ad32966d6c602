/**
 * `openclaw update` without the CLI around it: check a base URL for a release, replace the
 * binary at `execPath` with the verified one, or swap back. Tests drive it in-process with a
 * stand-in binary; the CLI passes the running one.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { checkRuns, extractBinary } from "./extract.ts";
import { downloadVerified } from "./download.ts";
import { fetchLatestVersion, fetchManifest, manifestUrl, pickArtefact } from "./manifest.ts";
import { previousPath, replaceBinary, swapWithPrevious } from "./swap.ts";
import { UpdateError } from "./update-error.ts";

export interface UpdateSubject {
  /** The binary to replace (the running one: `process.execPath`). */
  execPath: string;
  /** Its version and release target. */
  version: string;
  target: string;
  /** Release base URL, no trailing slash. */
  base: string;
  platform?: NodeJS.Platform;
}

export interface CheckReport {
  current: string;
  /** The version looked at: `--version V`, or what `<base>/latest` names. */
  available: string;
  /** Whether that version came from `--version`. */
  pinned: boolean;
  target: string;
  /** True when updating would change the binary. */
  updateAvailable: boolean;
  /** Not pinned and the running one is newer than the latest release. */
  aheadOfLatest: boolean;
  artefact: { url: string; size: number; sha256: string };
}

export interface UpdateReport extends CheckReport {
  changed: boolean;
  binary: string;
  previous: string | null;
}

/** -1/0/1; versions semver cannot read compare as equal only when identical. */
function order(a: string, b: string): number {
  try {
    return Bun.semver.order(a, b);
  } catch {
    return a === b ? 0 : -1;
  }
}

export async function checkUpdate(subject: UpdateSubject, pinned?: string): Promise<CheckReport> {
  return (await resolveRelease(subject, pinned)).check;
}

async function resolveRelease(subject: UpdateSubject, pinned?: string): Promise<{ check: CheckReport; artefact: ReturnType<typeof pickArtefact> }> {
  const available = pinned ?? (await fetchLatestVersion(subject.base));
  const manifest = await fetchManifest(subject.base, available);
  const artefact = pickArtefact(manifest, subject.target, manifestUrl(subject.base, available));
  const cmp = order(subject.version, available);
  const check: CheckReport = {
    current: subject.version,
    available,
    pinned: pinned !== undefined,
    target: subject.target,
    updateAvailable: pinned !== undefined ? subject.version !== available : cmp < 0,
    aheadOfLatest: pinned === undefined && cmp > 0,
    artefact: { url: artefact.absoluteUrl, size: artefact.size, sha256: artefact.sha256 },
  };
  return { check, artefact };
}

const WORK_PREFIX = ".openclaw-update-";
/** Older than this, a work dir belongs to an update that was killed (a live one finishes in seconds to minutes). */
const STALE_MS = 6 * 3600_000;

/** Work dirs of killed updates would otherwise stay next to the binary for good. */
async function removeStaleWorkDirs(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(WORK_PREFIX))) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isDirectory() && Date.now() - info.mtimeMs > STALE_MS) await rm(join(dir, name), { recursive: true, force: true }).catch(() => {});
  }
}

async function workDirNextTo(bin: string): Promise<string> {
  await removeStaleWorkDirs(dirname(bin));
  // Inside the binary's own directory: the final rename then never crosses file systems.
  try {
    return await mkdtemp(join(dirname(bin), WORK_PREFIX));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" || code === "EROFS" ? "permission denied or read-only" : (error as Error).message;
    throw new UpdateError(`cannot write next to ${bin} (${why}); run the update as the user that owns it`);
  }
}

export async function applyUpdate(subject: UpdateSubject, pinned?: string): Promise<UpdateReport> {
  const { check, artefact } = await resolveRelease(subject, pinned);
  if (!check.updateAvailable) return { ...check, changed: false, binary: subject.execPath, previous: null };
  const work = await workDirNextTo(subject.execPath);
  try {
    const archive = join(work, basename(artefact.file));
    await downloadVerified(artefact.absoluteUrl, archive, artefact);
    const extracted = join(work, "x");
    await mkdir(extracted);
    const binary = await extractBinary(archive, artefact.format, artefact.binary ?? (subject.target.startsWith("windows") ? "openclaw.exe" : "openclaw"), extracted);
    await checkRuns(binary, check.available);
    await replaceBinary(subject.execPath, binary, subject.platform);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { ...check, changed: true, binary: subject.execPath, previous: previousPath(subject.execPath) };
}

export interface RollbackReport {
  binary: string;
  /** What `<bin> --version` says now. */
  now: string;
  /** The binary that was replaced, kept for another rollback. */
  previous: string;
}

export async function rollbackUpdate(subject: Pick<UpdateSubject, "execPath" | "platform">): Promise<RollbackReport> {
  await swapWithPrevious(subject.execPath, subject.platform);
  const proc = Bun.spawn([subject.execPath, "--version"], { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  const [out] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { binary: subject.execPath, now: out.trim() || "(its --version printed nothing)", previous: previousPath(subject.execPath) };
}
