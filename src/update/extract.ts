/**
 * Takes the one executable out of a release archive (`.tar.gz` holding `openclaw`, `.zip`
 * holding `openclaw.exe`) with the system's tar: GNU tar on Linux, bsdtar on macOS and on
 * Windows 10+ (which also reads zip). Extraction happens in a fresh temp dir, and only a
 * regular file of the expected name is accepted.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { UpdateError } from "./update-error.ts";

export async function extractBinary(archive: string, format: string, binary: string, intoDir: string): Promise<string> {
  if (format !== "tar.gz" && format !== "zip") throw new UpdateError(`cannot extract a .${format} archive (expected tar.gz or zip)`);
  const args = format === "tar.gz" ? ["-xzf", archive, "-C", intoDir] : ["-xf", archive, "-C", intoDir];
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(["tar", ...args], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  } catch (error) {
    throw new UpdateError(`cannot run tar to extract the download: ${(error as Error).message}`);
  }
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr as ReadableStream).text()]);
  if (code !== 0) throw new UpdateError(`cannot extract the downloaded archive: ${stderr.trim() || `tar exited ${code}`}`);
  const path = join(intoDir, binary);
  const info = await lstat(path).catch(() => null);
  if (!info?.isFile()) throw new UpdateError(`the downloaded archive holds no ${binary} file`);
  return path;
}

/** Runs `<binary> --version` once, so a binary this machine cannot run never replaces one that runs. */
export async function checkRuns(binary: string, version: string): Promise<void> {
  const proc = Bun.spawn([binary, "--version"], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]).finally(() => clearTimeout(timer));
  if (code !== 0) throw new UpdateError(`the downloaded openclaw does not run on this machine (exit ${code}: ${(stderr || stdout).trim().slice(0, 200)}); nothing changed`);
  if (!stdout.includes(version)) throw new UpdateError(`the downloaded openclaw reports ${JSON.stringify(stdout.trim().slice(0, 100))}, not version ${version}; nothing changed`);
}
