#!/usr/bin/env node
// The `openclaw` command of the npm package openclaw-gateway-bun. The binary itself comes in one
// optional dependency per platform (openclaw-gateway-bun-<target>, selected by npm through their
// `os`/`cpu`/`libc` fields); this launcher finds the one installed for this machine and runs it
// with the same arguments, stdio, environment and exit status. Plain Node, no dependencies.
"use strict";
const fs = require("fs");
const path = require("path");

const PREFIX = "openclaw-gateway-bun-";

/** Bun's plain x64 build needs AVX2; Linux says whether the CPU has it in /proc/cpuinfo. */
function hasAvx2() {
  if (process.env.OPENCLAW_BASELINE === "1") return false;
  try {
    return /^flags\s*:.*\bavx2\b/m.test(fs.readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return true; // cannot tell: try the fast build, the baseline one is the fallback below
  }
}

/** Our release targets that can run here, best first. */
function candidates() {
  const key = `${process.platform}-${process.arch}`;
  switch (key) {
    case "linux-x64":
      return hasAvx2() ? ["linux-x64", "linux-x64-baseline"] : ["linux-x64-baseline"];
    case "linux-arm64":
    case "darwin-x64":
    case "darwin-arm64":
      return [key];
    case "win32-x64":
      return ["windows-x64"];
    default:
      return [];
  }
}

function isMusl() {
  try {
    return process.platform === "linux" && !process.report.getReport().header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

function findBinary() {
  const exe = process.platform === "win32" ? "openclaw.exe" : "openclaw";
  for (const target of candidates()) {
    try {
      const pkg = require.resolve(`${PREFIX}${target}/package.json`);
      const bin = path.join(path.dirname(pkg), "bin", exe);
      if (fs.existsSync(bin)) return bin;
    } catch {
      // not installed (another platform's optional dependency); try the next one
    }
  }
  return null;
}

function noBinary() {
  const here = `${process.platform}-${process.arch}`;
  const lines = [`openclaw: no openclaw binary for this machine (${here}) is installed.`];
  if (isMusl()) lines.push("This looks like a musl system (e.g. Alpine): the openclaw binaries are built for glibc; use a glibc distribution or container.");
  else if (candidates().length === 0) lines.push("Prebuilt binaries exist for linux x64/arm64 (glibc), macOS x64/arm64 and Windows x64.");
  else lines.push(`npm should have installed ${candidates().map((t) => PREFIX + t).join(" or ")} as an optional dependency; reinstall without --omit=optional / --no-optional: npm install -g openclaw-gateway-bun`);
  process.stderr.write(lines.join("\n") + "\n");
  process.exit(1);
}

function main() {
  const bin = findBinary() || noBinary();
  const args = process.argv.slice(2);
  if (typeof process.execve === "function") {
    // Node >= 22.15 on Unix: become the binary, so signals, the pid and the exit status are its own.
    process.execve(bin, [bin, ...args], process.env);
  }
  const { spawn } = require("child_process");
  let child = null;
  // Handlers first: a SIGTERM that arrives while the binary starts must reach it, not orphan it
  // (JS runs them from the event loop, after spawn() has returned). A terminal's Ctrl-C reaches
  // the whole process group, the binary included: the launcher only waits for it.
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child && child.kill(signal));
  child = spawn(bin, args, { stdio: "inherit" });
  child.on("error", (error) => {
    process.stderr.write(`openclaw: cannot run ${bin}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // Die of the same signal, so the caller sees what the binary saw.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

main();
