/**
 * Runs install.sh the way a user would (`sh install.sh …`), in a fresh HOME and TMPDIR, against
 * a release server. Shared by the install.sh tests.
 */
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const INSTALL_SH = new URL("../../install.sh", import.meta.url).pathname;
/** dash where it exists (Debian's /bin/sh): the strictest POSIX shell at hand. */
export const POSIX_SH = Bun.which("dash") ?? "/bin/sh";

/** Every POSIX shell this machine has, as the argv prefix that runs a script with it. */
export function posixShells(): string[][] {
  const shells: string[][] = [[POSIX_SH]];
  const bash = Bun.which("bash");
  if (bash) shells.push([bash, "--posix"]);
  const busybox = Bun.which("busybox");
  if (busybox) shells.push([busybox, "sh"]);
  // posh: Debian's "policy-compliant ordinary shell", which rejects most non-POSIX extensions.
  const posh = Bun.which("posh");
  if (posh) shells.push([posh]);
  return shells;
}

export interface Machine {
  home: string;
  tmp: string;
  /** `<home>/.local/bin`: the default prefix. */
  prefix: string;
  /** Where fake uname/sysctl/ldd go; first on PATH. */
  fakeBin: string;
  run(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; ms: number }>;
  /** A fake command first on PATH (`body` is sh). */
  fake(name: string, body: string): Promise<void>;
}

const cleanups: string[] = [];
export async function removeMachines(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function machine(base: string, shell: string[] = [POSIX_SH]): Promise<Machine> {
  const root = await mkdtemp(join(tmpdir(), "openclaw-install-"));
  cleanups.push(root);
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  const fakeBin = join(root, "fake-bin");
  await Promise.all([mkdir(home), mkdir(tmp), mkdir(fakeBin)]);
  return {
    home,
    tmp,
    prefix: join(home, ".local", "bin"),
    fakeBin,
    async run(args, env = {}) {
      const started = performance.now();
      const proc = Bun.spawn([...shell, INSTALL_SH, ...args], {
        cwd: home,
        env: { PATH: `${fakeBin}:/usr/local/bin:/usr/bin:/bin`, HOME: home, TMPDIR: tmp, SHELL: "/bin/sh", OPENCLAW_INSTALL_BASE: base, ...env },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(timer);
      return { code, stdout, stderr, ms: performance.now() - started };
    },
    async fake(name, body) {
      await writeFile(join(fakeBin, name), `#!/bin/sh\n${body}\n`);
      await chmod(join(fakeBin, name), 0o755);
    },
  };
}

/** A PATH dir holding only the named tools (symlinks), to run the installer without curl, say. */
export async function restrictedPath(dir: string, tools: string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const tool of tools) {
    const real = Bun.which(tool, { PATH: "/usr/local/bin:/usr/bin:/bin" });
    if (real) await symlink(real, join(dir, tool));
  }
  return dir;
}

export const sha256File = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");

/** Names and contents' hashes of everything in `dir` (empty when it does not exist). */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Record<string, string> = {};
  for (const name of names.sort()) out[name] = await sha256File(join(dir, name));
  return out;
}

export async function versionOf(binary: string): Promise<string> {
  const proc = Bun.spawn([binary, "--version"], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`${binary} --version exited ${code}`);
  return out.trim();
}
