/**
 * `bun run test [bun test args…]`: runs `bun test` with a JUnit reporter, streams bun's own
 * output through, and ends with exactly one stdout line CI can count:
 *
 *     N passed, N failed[, N skipped]
 *
 * Bun prints its ` N pass` / ` N fail` totals to stderr, and its JUnit XML (1.4.5) has
 * `tests`, `failures` and `skipped` on the root `<testsuites>` but no `errors`, and it leaves out
 * files that failed to load (no XML at all when that is the only file). So the totals come from
 * the XML and are cross-checked with bun's own summary: the larger failure count wins.
 *
 * Exit code: bun test's; non-zero also when the XML is missing or no test ran.
 * `JUNIT_XML=<path>` keeps a copy of the XML (CI artifacts).
 */
import { mkdtempSync, rmSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function attr(tag: string, name: string): number | null {
  const m = new RegExp(`\\s${name}="(\\d+)"`).exec(tag);
  return m ? Number(m[1]) : null;
}

/** Root `<testsuites>` totals; falls back to counting `<testcase>` elements. */
export function parseJunit(xml: string): Totals | null {
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0];
  if (root && attr(root, "tests") !== null) {
    return {
      tests: attr(root, "tests") ?? 0,
      failures: attr(root, "failures") ?? 0,
      errors: attr(root, "errors") ?? 0,
      skipped: attr(root, "skipped") ?? 0,
    };
  }
  const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g);
  if (!cases) return null;
  const totals: Totals = { tests: cases.length, failures: 0, errors: 0, skipped: 0 };
  for (const c of cases) {
    if (/<failure\b/.test(c)) totals.failures++;
    else if (/<error\b/.test(c)) totals.errors++;
    else if (/<skipped\b/.test(c)) totals.skipped++;
  }
  return totals;
}

/** Bun's own summary block (` 12 pass`, ` 1 fail`, ` 2 skip`, ` 1 todo`, ` 1 error`). */
export function parseBunSummary(text: string): Partial<Record<"pass" | "fail" | "skip" | "todo" | "error", number>> {
  const out: Partial<Record<"pass" | "fail" | "skip" | "todo" | "error", number>> = {};
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  for (const m of plain.matchAll(/^\s*(\d+) (pass|fail|skip|todo|error)\s*$/gm)) {
    out[m[2] as keyof typeof out] = Number(m[1]); // the last block wins
  }
  return out;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-junit-"));
  const xmlPath = join(dir, "junit.xml");
  try {
    const args = process.argv.slice(2);
    const child = Bun.spawn(
      [process.execPath, "test", "--reporter=junit", `--reporter-outfile=${xmlPath}`, ...args],
      {
        stdin: "inherit",
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
      },
    );
    // Forward both streams as they arrive; keep the tail of stderr for bun's summary.
    let stderrTail = "";
    const decoder = new TextDecoder();
    const pump = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream, keep: boolean) => {
      for await (const chunk of stream) {
        sink.write(chunk);
        if (keep) stderrTail = (stderrTail + decoder.decode(chunk, { stream: true })).slice(-16_384);
      }
    };
    const [, , code] = await Promise.all([
      pump(child.stdout, process.stdout, false),
      pump(child.stderr, process.stderr, true),
      child.exited,
    ]);
    const exitCode = code ?? 1;

    const summary = parseBunSummary(stderrTail);
    const xml = existsSync(xmlPath) ? readFileSync(xmlPath, "utf8") : null;
    if (xml && process.env.JUNIT_XML) copyFileSync(xmlPath, process.env.JUNIT_XML);
    const totals = xml ? parseJunit(xml) : null;

    let passed: number;
    let failed: number;
    let skipped: number;
    const problems: string[] = [];
    if (totals) {
      failed = totals.failures + totals.errors;
      skipped = totals.skipped;
      passed = Math.max(0, totals.tests - failed - skipped);
      if ((summary.fail ?? 0) > failed) {
        problems.push(`bun reported ${summary.fail} failing (files that failed to load or errors between tests are not in the JUnit XML)`);
        failed = summary.fail!;
      }
    } else {
      problems.push(xml === null ? `bun test wrote no JUnit XML (${xmlPath})` : "could not read the JUnit XML totals");
      passed = summary.pass ?? 0;
      failed = summary.fail ?? 0;
      skipped = (summary.skip ?? 0) + (summary.todo ?? 0);
    }
    let result = exitCode;
    if (!totals) result ||= 1;
    if (passed + failed === 0) {
      problems.push("no test ran");
      result ||= 1;
    }
    if (exitCode !== 0 && failed === 0) problems.push(`bun test exited with code ${exitCode} although no test failed`);
    if (exitCode === 0 && failed > 0) {
      problems.push(`bun test exited 0 with ${failed} failing`);
      result = 1;
    }
    for (const p of problems) process.stderr.write(`test/run.ts: ${p}\n`);
    process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = await main();
