/**
 * Who listens on a port: the lsof, /proc and netstat parsers on sample text, each lookup path
 * against real or fake sources, and `--force` stopping real child processes.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { GatewayStartError } from "../../src/gateway/startup-policy.ts";
import { freePort } from "../../src/platform/free-port.ts";
import { parseLsofFields } from "../../src/platform/lsof.ts";
import { parseNetstatListeners, parseTasklistCsv } from "../../src/platform/netstat.ts";
import { findPortOwners, PortOwnerError } from "../../src/platform/port-owner.ts";
import { listeningInodes, parseProcNetTcp } from "../../src/platform/proc-net-tcp.ts";

const dir = await mkdtemp(join(tmpdir(), "openclaw-port-owner-"));
const children: Subprocess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// 0x4965 = 18789 (gateway), 0x4969 = 18793 (canvas), 0x0016 = 22, 0xD2F0 = 54000 (a client port).
const PROC_NET_TCP = [
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     ",
  "   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48213 1 0000000000000000 100 0 0 10 0                     ",
  "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20417 1 0000000000000000 100 0 0 10 0                     ",
  "   2: 0100007F:4965 0100007F:D2F0 01 00000000:00000000 02:000A1B2C 00000000  1000        0 51877 4 0000000000000000 20 4 30 10 -1                    ",
  "   3: 0100007F:D2F0 0100007F:4965 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000",
  "",
].join("\n");

const PROC_NET_TCP6 = [
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 00000000000000000000000001000000:4965 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48214 1 0000000000000000 100 0 0 10 0",
  "   1: 00000000000000000000000000000000:4969 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48290 1 0000000000000000 100 0 0 10 0",
  "",
].join("\n");

const NETSTAT_TCP = [
  "",
  "Active Connections",
  "",
  "  Proto  Local Address          Foreign Address        State           PID",
  "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1044",
  "  TCP    127.0.0.1:18789        0.0.0.0:0              LISTENING       5678",
  "  TCP    127.0.0.1:18789        127.0.0.1:52200        ESTABLISHED     5678",
  "  TCP    127.0.0.1:52200        127.0.0.1:18789        ESTABLISHED     9012",
  "  TCP    192.168.1.20:52144     140.82.112.25:443      TIME_WAIT       0",
  "",
].join("\r\n");

const NETSTAT_TCPV6 = [
  "",
  "Active Connections",
  "",
  "  Proto  Local Address          Foreign Address        State           PID",
  "  TCP    [::]:135               [::]:0                 LISTENING       1044",
  "  TCP    [::1]:18789            [::]:0                 LISTENING       5678",
  "  TCP    [fe80::1c2a:5ff:fe3b:9a10%12]:18793  [::]:0   LISTENING       7777",
  "",
].join("\r\n");

describe("parsers", () => {
  test("/proc/net/tcp and tcp6: port from hex, state and inode; only listeners on the port count", () => {
    expect(parseProcNetTcp(PROC_NET_TCP)).toEqual([
      { port: 18789, state: "0A", inode: "48213" },
      { port: 22, state: "0A", inode: "20417" },
      { port: 18789, state: "01", inode: "51877" },
      { port: 54000, state: "06", inode: "0" },
    ]);
    expect(parseProcNetTcp(PROC_NET_TCP6)).toEqual([
      { port: 18789, state: "0A", inode: "48214" },
      { port: 18793, state: "0A", inode: "48290" },
    ]);
    expect([...listeningInodes([PROC_NET_TCP, PROC_NET_TCP6], 18789)].sort()).toEqual(["48213", "48214"]);
    expect(listeningInodes([PROC_NET_TCP], 54000).size).toBe(0);
  });

  test("lsof -Fpc: one owner per p line, named by the c line after it; other fields are skipped", () => {
    const text = "cstray\np4242\ncbun\nf23\np4243\ncopenclaw-gatewa\nf12\nf13\np4242\ncbun\n";
    expect(parseLsofFields(text)).toEqual([
      { pid: 4242, command: "bun" },
      { pid: 4243, command: "openclaw-gatewa" },
    ]);
    expect(parseLsofFields("")).toEqual([]);
  });

  test("netstat -ano: listening TCP rows with their pid, IPv4 and IPv6, also where the state word is translated", () => {
    expect(parseNetstatListeners(NETSTAT_TCP)).toEqual([
      { localAddress: "0.0.0.0", port: 135, pid: 1044 },
      { localAddress: "127.0.0.1", port: 18789, pid: 5678 },
    ]);
    expect(parseNetstatListeners(NETSTAT_TCPV6)).toEqual([
      { localAddress: "[::]", port: 135, pid: 1044 },
      { localAddress: "[::1]", port: 18789, pid: 5678 },
      { localAddress: "[fe80::1c2a:5ff:fe3b:9a10%12]", port: 18793, pid: 7777 },
    ]);
    const german = "  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n  TCP    0.0.0.0:18789          0.0.0.0:0              ABHÖREN         5678\r\n";
    expect(parseNetstatListeners(german)).toEqual([{ localAddress: "0.0.0.0", port: 18789, pid: 5678 }]);
  });

  test("tasklist CSV: image name by pid; the INFO line of an empty result gives nothing", () => {
    expect(parseTasklistCsv('"bun.exe","5678","Console","1","45,000 K"\r\n')).toEqual([{ pid: 5678, command: "bun.exe" }]);
    expect(parseTasklistCsv("INFO: No tasks are running which match the specified criteria.\r\n")).toEqual([]);
  });
});

describe("lookup paths against fake sources", () => {
  test("/proc: socket inodes of listeners matched to the fd links of each process, names from comm", async () => {
    const proc = join(dir, "proc");
    await mkdir(join(proc, "net"), { recursive: true });
    await writeFile(join(proc, "net", "tcp"), PROC_NET_TCP);
    await writeFile(join(proc, "net", "tcp6"), PROC_NET_TCP6);
    const processes: Record<string, { comm: string; fds: Record<string, string> }> = {
      "4242": { comm: "bun\n", fds: { "0": "/dev/null", "3": "socket:[48213]" } },
      "4300": { comm: "openclaw-gatewa\n", fds: { "7": "socket:[51877]", "9": "socket:[48214]" } },
      "5151": { comm: "sshd\n", fds: { "3": "socket:[20417]" } },
      "6000": { comm: "", fds: { "4": "socket:[48213]" } },
    };
    for (const [pid, { comm, fds }] of Object.entries(processes)) {
      await mkdir(join(proc, pid, "fd"), { recursive: true });
      if (comm) await writeFile(join(proc, pid, "comm"), comm);
      for (const [fd, target] of Object.entries(fds)) await symlink(target, join(proc, pid, "fd", fd));
    }
    // A process that exited while we looked, and procfs's own non-pid entries.
    await mkdir(join(proc, "6100"));
    await symlink("4242", join(proc, "self"));

    const lookup = { platform: "linux" as const, which: () => null, procRoot: proc };
    const owners = await findPortOwners(18789, lookup);
    expect(owners.sort((a, b) => a.pid - b.pid)).toEqual([{ pid: 4242, command: "bun" }, { pid: 4300, command: "openclaw-gatewa" }, { pid: 6000 }]);
    expect(await findPortOwners(18793, lookup)).toEqual([]);
    expect(await findPortOwners(22, lookup)).toEqual([{ pid: 5151, command: "sshd" }]);
  });

  test("no lsof and no procfs, or no lsof off Linux, is an unsupported error", async () => {
    const none = { which: () => null };
    const noProc = findPortOwners(18789, { ...none, platform: "linux", procRoot: join(dir, "no-proc") });
    await expect(noProc).rejects.toThrow(PortOwnerError);
    await expect(noProc).rejects.toMatchObject({ code: "unsupported" });
    await expect(findPortOwners(18789, { ...none, platform: "darwin" })).rejects.toThrow("needs lsof, which is not installed");
    await expect(findPortOwners(18789, { ...none, platform: "win32" })).rejects.toThrow("needs netstat, which is not on PATH");
  });

  test.skipIf(process.platform === "win32")("Windows: netstat for IPv4 and IPv6, tasklist for the names", async () => {
    const bin = join(dir, "windows-bin");
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, "tcp.txt"), NETSTAT_TCP);
    await writeFile(join(bin, "tcpv6.txt"), NETSTAT_TCPV6);
    // Fake netstat.exe and tasklist.exe: same arguments in, same text out.
    await writeFile(join(bin, "netstat"), `#!/bin/sh\ncat "${bin}/$3.txt"\n`);
    await writeFile(join(bin, "tasklist"), `#!/bin/sh\nprintf '"app-%s.exe","%s","Console","1","45,000 K"\\r\\n' "\${5#PID eq }" "\${5#PID eq }"\n`);
    await chmod(join(bin, "netstat"), 0o755);
    await chmod(join(bin, "tasklist"), 0o755);
    const tools: Record<string, string> = { netstat: join(bin, "netstat"), tasklist: join(bin, "tasklist") };
    const lookup = { platform: "win32" as const, which: (program: string) => tools[program] ?? null };
    expect(await findPortOwners(18789, lookup)).toEqual([{ pid: 5678, command: "app-5678.exe" }]);
    expect(await findPortOwners(18793, lookup)).toEqual([{ pid: 7777, command: "app-7777.exe" }]);
    expect(await findPortOwners(18793, { ...lookup, which: (program: string) => (program === "netstat" ? tools.netstat! : null) })).toEqual([{ pid: 7777 }]);
  });
});

/** A child Bun process listening on 127.0.0.1; `setup` runs before it listens. */
async function spawnListener(setup = ""): Promise<{ child: Subprocess<"ignore", "pipe", "inherit">; port: number }> {
  const code = `${setup}\nconst listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });\nconsole.log(listener.port);`;
  const child = Bun.spawn([process.execPath, "-e", code], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  children.push(child);
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the listener exited before printing its port: ${text}`);
    text += decoder.decode(value);
  }
  reader.releaseLock();
  return { child, port: Number(text.trim()) };
}

function collectingLog(): { warn: (message: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message: string) => lines.push(message) };
}

// Off Linux there is no /proc path to force; the default lookup is what runs there.
const withoutLsof = process.platform === "linux" ? { which: () => null } : {};

describe("real processes", () => {
  test.if(process.platform === "linux")("/proc finds a listening child with lsof out of the picture", async () => {
    const { child, port } = await spawnListener();
    expect(await findPortOwners(port, { which: () => null })).toEqual([{ pid: child.pid, command: expect.any(String) }]);
  });

  test("the default lookup finds a listening child, named as the /proc path names it", async () => {
    const { child, port } = await spawnListener();
    const owners = await findPortOwners(port);
    expect(owners).toEqual([{ pid: child.pid, command: expect.any(String) }]);
    if (process.platform === "linux") expect(owners).toEqual(await findPortOwners(port, { which: () => null }));
  });

  test("freePort sends SIGTERM, says so, and returns once the child is gone and the port free", async () => {
    const { child, port } = await spawnListener();
    const log = collectingLog();
    const stopped = await freePort(port, log, { lookup: withoutLsof, pollMs: 20 });
    expect(stopped).toEqual([{ pid: child.pid, command: expect.any(String), signal: "SIGTERM" }]);
    expect(log.lines).toEqual([`--force: sent SIGTERM to pid ${child.pid} (${stopped[0]!.command}) listening on port ${port}`]);
    await child.exited;
    expect(child.signalCode).toBe("SIGTERM");
    expect(await findPortOwners(port, withoutLsof)).toEqual([]);
  });

  test("a listener that ignores SIGTERM gets SIGKILL after the grace period", async () => {
    const { child, port } = await spawnListener(`process.on("SIGTERM", () => {});`);
    const log = collectingLog();
    const stopped = await freePort(port, log, { lookup: withoutLsof, graceMs: 300, pollMs: 20 });
    expect(stopped).toEqual([{ pid: child.pid, command: expect.any(String), signal: "SIGKILL" }]);
    expect(log.lines[1]).toBe(`--force: pid ${child.pid} (${stopped[0]!.command}) still listened on port ${port} after SIGTERM; sent SIGKILL`);
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
  });

  test("freePort never signals its own process, and port 0 has nothing to free", async () => {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const log = collectingLog();
      expect(await freePort(listener.port, log, { lookup: withoutLsof })).toEqual([]);
      expect(log.lines).toEqual([expect.stringContaining(`--force: not stopping pid ${process.pid} `)]);
      expect(await freePort(0, log)).toEqual([]);
    } finally {
      listener.stop(true);
    }
  });

  test("freePort without any way to look fails with a startup error that says what is missing", async () => {
    const attempt = freePort(18789, collectingLog(), { lookup: { platform: "darwin", which: () => null } });
    await expect(attempt).rejects.toThrow(GatewayStartError);
    await expect(attempt).rejects.toThrow("--force needs lsof, which is not installed; stop the process on port 18789 yourself");
  });
});
