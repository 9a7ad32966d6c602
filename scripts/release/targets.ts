/** The release targets: our names, the Bun compile target, and what the archive and binary are called. */
import { RELEASE_TARGETS, type ReleaseTarget } from "./manifest-types.ts";

export interface TargetInfo {
  target: ReleaseTarget;
  bunTarget: Bun.Build.CompileTarget;
  os: "linux" | "darwin" | "windows";
  arch: "x64" | "arm64";
  variant: "baseline" | null;
  /** Name of the executable inside the archive. */
  binary: "openclaw" | "openclaw.exe";
  format: "tar.gz" | "zip";
}

export function targetInfo(target: ReleaseTarget): TargetInfo {
  const [os, arch, variant] = target.split("-") as [TargetInfo["os"], TargetInfo["arch"], string | undefined];
  const windows = os === "windows";
  return {
    target,
    bunTarget: `bun-${target}` as Bun.Build.CompileTarget,
    os,
    arch,
    variant: variant === "baseline" ? "baseline" : null,
    binary: windows ? "openclaw.exe" : "openclaw",
    format: windows ? "zip" : "tar.gz",
  };
}

export function isReleaseTarget(name: string): name is ReleaseTarget {
  return (RELEASE_TARGETS as readonly string[]).includes(name);
}

/** The plain target of the machine this runs on (never a -baseline variant). */
export function hostTarget(): ReleaseTarget {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `${os}-${process.arch}`;
  if (!isReleaseTarget(name)) throw new Error(`this machine (${name}) is not a release target (${RELEASE_TARGETS.join(", ")})`);
  return name;
}

export const archiveName = (version: string, t: TargetInfo) => `openclaw-${version}-${t.target}.${t.format}`;
export const rawBinaryName = (t: TargetInfo) => `openclaw-${t.target}${t.os === "windows" ? ".exe" : ""}`;
