/** The release script's arguments: defaults, a relative --out made absolute, refusals in words. */
import { expect, test } from "bun:test";
import { join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { parseReleaseArgs, UsageError } from "../../scripts/release/args.ts";
import { RELEASE_TARGETS } from "../../scripts/release/manifest-types.ts";

const ROOT = join(import.meta.dir, "..", "..");

test("defaults: every target, package.json's version, dist/release", () => {
  expect(parseReleaseArgs([])).toMatchObject({ out: join(ROOT, "dist", "release"), version: pkg.version, targets: [...RELEASE_TARGETS], skipGen: false, skipPackages: false });
});

test("a relative --out is taken from the working directory and made absolute (npm pack runs elsewhere)", () => {
  const args = parseReleaseArgs(["--out", "some/dir"]);
  expect(args).not.toBe("help");
  expect(args !== "help" && args.out).toBe(resolve("some/dir"));
});

test("bad arguments are refused with what to do", () => {
  expect(() => parseReleaseArgs(["--targets", "linux-x86"])).toThrow(UsageError);
  expect(() => parseReleaseArgs(["--frobnicate"])).toThrow(UsageError);
  expect(() => parseReleaseArgs(["--version", "1.0.0+build.7"])).toThrow(UsageError);
});
