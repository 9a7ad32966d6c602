/**
 * Homebrew formula and Scoop manifest on a hand-made release. The formula is checked with
 * `ruby -c` and then evaluated under a small stand-in for Homebrew's DSL (Formula, on_macos,
 * Hardware::CPU.arm?, bin.install, test do) once per OS × CPU, so the url/sha256 each machine
 * would get are the manifest's, and its `test do` block runs against a fake binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReleaseTarget } from "../../scripts/release/manifest-types.ts";
import { formula, writeFormula } from "../../scripts/release/packages/homebrew.ts";
import { writeScoop } from "../../scripts/release/packages/scoop.ts";
import { fakeRelease, sh, type FakeRelease } from "./packages-fixture.ts";

const VERSION = "1.2.0-beta.2";
const BASE = "https://example.test/releases";
let release: FakeRelease;

beforeAll(async () => {
  release = await fakeRelease(VERSION, ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"]);
}, 60_000);
afterAll(() => release?.cleanup());

/** Homebrew's DSL, only as much as the formula uses; prints what one machine would get. */
const BREW_STAND_IN = `
require "json"
$os, $arm, $binDir = ARGV[1], ARGV[2] == "arm", ARGV[3]
module Hardware; module CPU; def self.arm? = $arm; end; end
class Installer; attr_reader :calls; def initialize = @calls = []; def install(*names) = @calls.concat(names); def to_s = $binDir; end
class Formula
  class << self
    def props = (@props ||= {})
    %i[desc homepage version license url sha256].each { |m| define_method(m) { |v| props[m] = v } }
    def on_macos = ($os == "macos" ? yield : nil)
    def on_linux = ($os == "linux" ? yield : nil)
    def test(&block) = props[:test] = block
  end
  def bin = (@bin ||= Installer.new)
  def version = self.class.props[:version]
  def shell_output(cmd) = IO.popen(cmd, &:read).tap { raise "#{cmd} failed" unless $?.success? }
  def assert_match(want, got) = (raise "#{want.inspect} not in #{got.inspect}" unless got.include?(want))
end
def odie(message) = raise(message)
load ARGV[0]
f = Openclaw.new
f.install
f.instance_eval(&Openclaw.props[:test])
puts JSON.generate(Openclaw.props.except(:test).merge(installed: f.bin.calls, caveats: f.caveats))
`;

function evaluate(rb: string, os: "macos" | "linux", cpu: "arm" | "intel", binDir: string) {
  const standIn = join(release.root, "brew-stand-in.rb");
  writeFileSync(standIn, BREW_STAND_IN);
  return sh(["ruby", standIn, rb, os, cpu, binDir]);
}

describe("Homebrew formula", () => {
  let rb: string;
  /** Stands in for the installed `#{bin}`: the test block runs `#{bin}/openclaw --version` there. */
  let brewBin: string;
  beforeAll(() => {
    brewBin = join(release.root, "brew-bin");
    mkdirSync(brewBin);
    copyFileSync(join(release.dir, "bin", "openclaw-linux-x64"), join(brewBin, "openclaw"));
    const files = writeFormula({ dir: release.dir, manifest: release.manifest, base: BASE, log: () => {} });
    expect(files.map((f) => f.file)).toEqual(["packages/homebrew/openclaw.rb"]);
    rb = join(release.dir, files[0]!.file);
  });

  test("ruby -c: valid Ruby", () => {
    const r = sh(["ruby", "-c", rb]);
    expect(r.stdout.trim()).toBe("Syntax OK");
    expect(r.code).toBe(0);
  });

  const machines: [("macos" | "linux"), ("arm" | "intel"), ReleaseTarget][] = [
    ["macos", "arm", "darwin-arm64"],
    ["macos", "intel", "darwin-x64"],
    ["linux", "arm", "linux-arm64"],
    ["linux", "intel", "linux-x64"],
  ];
  for (const [os, cpu, target] of machines) {
    test(`${os} on ${cpu}: the ${target} archive with its sha256, bin.install, caveats, test do`, () => {
      const r = evaluate(rb, os, cpu, brewBin);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const got = JSON.parse(r.stdout) as Record<string, unknown>;
      const archive = release.manifest.artefacts.find((a) => a.target === target)!;
      expect(got.url).toBe(`${BASE}/${VERSION}/openclaw-${VERSION}-${target}.tar.gz`);
      expect(got.sha256).toBe(archive.sha256);
      expect(got.version).toBe(VERSION);
      expect(got.license).toBe("GPL-3.0-only");
      expect(got.installed).toEqual(["openclaw"]);
      expect(got.caveats).toContain("openclaw gateway install");
    });
  }

  test("the formula's test block fails when the installed binary reports another version", () => {
    const wrong = join(release.root, "brew-bin-wrong");
    mkdirSync(wrong);
    writeFileSync(join(wrong, "openclaw"), "#!/bin/sh\necho 'openclaw 9.9.9 (fake)'\n", { mode: 0o755 });
    const r = evaluate(rb, "linux", "intel", wrong);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`"${VERSION}" not in "openclaw 9.9.9 (fake)`);
  });

  test("a release without darwin builds says so in the formula instead of a wrong url", () => {
    const linuxOnly = { ...release.manifest, artefacts: release.manifest.artefacts.filter((a) => a.os === "linux") };
    const { text, missing } = formula(linuxOnly, BASE);
    expect(missing.sort()).toEqual(["darwin-arm64", "darwin-x64"]);
    const rbFile = join(release.root, "linux-only.rb");
    writeFileSync(rbFile, text);
    const r = evaluate(rbFile, "macos", "arm", brewBin);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`openclaw ${VERSION} has no darwin-arm64 build`);
  });
});

describe("Scoop manifest", () => {
  test("version, 64bit url + hash of the zip, bin, checkver and autoupdate at the base", () => {
    const files = writeScoop({ dir: release.dir, manifest: release.manifest, base: `${BASE}/`, log: () => {} });
    expect(files.map((f) => [f.kind, f.file])).toEqual([["scoop", "packages/scoop/openclaw.json"]]);
    const json = JSON.parse(readFileSync(join(release.dir, files[0]!.file), "utf8"));
    const zip = release.manifest.artefacts.find((a) => a.target === "windows-x64")!;
    expect(json.version).toBe(VERSION);
    expect(json.architecture["64bit"]).toEqual({ url: `${BASE}/${VERSION}/openclaw-${VERSION}-windows-x64.zip`, hash: zip.sha256 });
    expect(json.bin).toBe("openclaw.exe");
    expect(json.checkver.url).toBe(`${BASE}/latest`);
    // `latest` holds one line with the version; checkver's regex must take exactly that version.
    expect(new RegExp(json.checkver.regex, "m").exec(`${VERSION}\n`)?.[1]).toBe(VERSION);
    // autoupdate with $version filled in gives back this release's URL and its SHA256SUMS.
    const fill = (s: string) => s.replaceAll("$version", VERSION);
    expect(fill(json.autoupdate.architecture["64bit"].url)).toBe(json.architecture["64bit"].url);
    expect(fill(json.autoupdate.hash.url)).toBe(`${BASE}/${VERSION}/SHA256SUMS`);
    expect(json.notes.join("\n")).toContain("openclaw gateway install");
  });

  test("no windows build: no Scoop manifest", () => {
    const lines: string[] = [];
    const noWindows = { ...release.manifest, artefacts: release.manifest.artefacts.filter((a) => a.os !== "windows") };
    expect(writeScoop({ dir: release.root, manifest: noWindows, base: BASE, log: (l) => lines.push(l) })).toEqual([]);
    expect(lines.join()).toContain("no Scoop manifest");
  });
});
