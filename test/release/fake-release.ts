/**
 * A hand-made release directory in the contract's layout (latest, manifest.json, SHA256SUMS,
 * one archive per target) whose "binary" is a tiny shell script: fast enough for unit-level
 * installer and update tests, and it says which target and version it is, so a test can tell
 * exactly what got installed. Runs only where `/bin/sh` does (not Windows).
 */
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest, ManifestArtefact, ReleaseTarget } from "../../scripts/release/manifest-types.ts";

export const FAKE_TARGETS: ReleaseTarget[] = ["linux-x64", "linux-x64-baseline", "linux-arm64", "darwin-x64", "darwin-arm64"];

/**
 * `--version` prints the contract's line; every other invocation appends its argv to
 * `$FAKE_OPENCLAW_LOG`, so `install.sh --service` can be checked without a real gateway.
 */
export function fakeBinary(version: string, target: string): string {
  return `#!/bin/sh
case "$1" in
  --version) echo "openclaw ${version} (fakecommit, built 2026-01-01T00:00:00Z, ${target})" ;;
  *) if [ -n "\${FAKE_OPENCLAW_LOG:-}" ]; then echo "$*" >> "$FAKE_OPENCLAW_LOG"; fi ;;
esac
`;
}

async function run(cmd: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}`);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Adds `<out>/<version>/…` and points `<out>/latest` at it (the newest call wins, as with releases). */
export async function addFakeRelease(out: string, version: string, targets: ReleaseTarget[] = FAKE_TARGETS): Promise<{ dir: string; manifest: Manifest }> {
  const dir = join(out, version);
  await mkdir(dir, { recursive: true });
  const artefacts: ManifestArtefact[] = [];
  for (const target of targets) {
    const [os, arch, variant] = target.split("-") as ["linux" | "darwin", "x64" | "arm64", "baseline" | undefined];
    const stage = join(dir, `.stage-${target}`);
    await mkdir(stage, { recursive: true });
    await writeFile(join(stage, "openclaw"), fakeBinary(version, target));
    await chmod(join(stage, "openclaw"), 0o755);
    const file = `openclaw-${version}-${target}.tar.gz`;
    await run(["tar", "-czf", join(dir, file), "-C", stage, "openclaw"], dir);
    await rm(stage, { recursive: true });
    const bytes = await readFile(join(dir, file));
    artefacts.push({ target, os, arch, variant: variant ?? null, kind: "archive", format: "tar.gz", file, url: file, sha256: sha256(bytes), size: (await stat(join(dir, file))).size, binary: "openclaw" });
  }
  const manifest: Manifest = { schema: 1, name: "openclaw", version, commit: "unknown", date: new Date().toISOString(), artefacts };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  await writeFile(join(dir, "SHA256SUMS"), artefacts.map((a) => `${a.sha256}  ${a.file}\n`).join(""));
  await writeFile(join(out, "latest"), `${version}\n`);
  return { dir, manifest };
}

/** A fresh temp release dir holding the given versions (the last one is `latest`). */
export async function fakeReleaseDir(versions: string[], targets?: ReleaseTarget[]): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), "openclaw-fake-release-"));
  for (const version of versions) await addFakeRelease(out, version, targets);
  return out;
}
