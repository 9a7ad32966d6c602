/**
 * The generated protocol files (JSON Schema, compiled validators, Swift models) match their
 * sources: `bun run protocol:check`, run as part of the suite so `bun run test` fails on a
 * forgotten `bun run protocol:gen` and still ends with its `N passed, N failed` line.
 */
import { expect, test } from "bun:test";

const ROOT = new URL("../..", import.meta.url).pathname;

test("generated protocol files are fresh (bun run protocol:check)", async () => {
  const proc = Bun.spawn([process.execPath, "run", "protocol:check"], { cwd: ROOT, stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  // On failure the generator's own line says which file is stale and what to run.
  expect({ code, output: `${stdout}${stderr}`.trim() }).toMatchObject({ code: 0 });
}, 60_000);
