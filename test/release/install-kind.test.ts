/**
 * How `openclaw update` tells who owns the binary (src/update/install-kind.ts): the pure
 * decision as a table, and the probe that resolves a symlink into node_modules.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectInstallKind, probeInstallFacts, type InstallFacts, type InstallKind } from "../../src/update/install-kind.ts";
import { fakeBinary } from "./fake-release.ts";

const V1 = "0.1.0-test.1";
const TARGET = "linux-x64";
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-install-kind-"));
  dirs.push(dir);
  return dir;
}

describe("install kind", () => {
  const facts = (path: string, more: Partial<InstallFacts> = {}): InstallFacts => ({ execPath: path, realPath: path, dpkgOwnsOpenclaw: false, ...more });
  const table: [string, InstallFacts, InstallKind["kind"]][] = [
    ["~/.local/bin (install.sh)", facts("/home/a/.local/bin/openclaw"), "self"],
    ["bun from source", facts("/usr/local/bin/bun"), "source"],
    ["Homebrew Cellar via symlink", facts("/usr/local/bin/openclaw", { realPath: "/usr/local/Cellar/openclaw/0.1.0/bin/openclaw" }), "brew"],
    ["Apple-silicon Homebrew prefix", facts("/opt/homebrew/bin/openclaw"), "brew"],
    ["Linuxbrew", facts("/home/linuxbrew/.linuxbrew/bin/openclaw"), "brew"],
    ["custom HOMEBREW_PREFIX", facts("/srv/brew/bin/openclaw", { homebrewPrefix: "/srv/brew" }), "brew"],
    ["apt: /usr/bin owned by dpkg", facts("/usr/bin/openclaw", { dpkgOwnsOpenclaw: true }), "apt"],
    ["/usr/bin copied by hand", facts("/usr/bin/openclaw"), "self"],
    ["npm global", facts("/usr/local/bin/openclaw", { realPath: "/usr/local/lib/node_modules/openclaw-gateway-bun-linux-x64/bin/openclaw" }), "npm"],
    ["scoop", facts("C:\\Users\\a\\scoop\\apps\\openclaw\\current\\openclaw.exe"), "scoop"],
    ["Windows install.ps1", facts("C:\\Users\\a\\.local\\bin\\openclaw.exe"), "self"],
  ];
  test.each(table)("%s", (_name, input, kind) => {
    expect(detectInstallKind(input).kind).toBe(kind);
  });

  test("the package-manager commands", () => {
    expect(detectInstallKind(facts("/opt/homebrew/bin/openclaw"))).toMatchObject({ manager: "Homebrew", command: "brew upgrade openclaw" });
    expect(detectInstallKind(facts("/usr/bin/openclaw", { dpkgOwnsOpenclaw: true }))).toMatchObject({ command: "sudo apt-get install --only-upgrade openclaw" });
    expect(detectInstallKind(facts("/x/node_modules/y/openclaw"))).toMatchObject({ command: "npm install -g openclaw-gateway-bun@latest" });
    expect(detectInstallKind(facts("C:\\scoop\\apps\\openclaw\\1\\openclaw.exe"))).toMatchObject({ command: "scoop update openclaw" });
  });

  test("a symlink into node_modules is probed as npm", async () => {
    const root = await tempDir();
    const real = join(root, "lib", "node_modules", "openclaw-gateway-bun-linux-x64", "bin");
    await mkdir(real, { recursive: true });
    await writeFile(join(real, "openclaw"), fakeBinary(V1, TARGET));
    await symlink(join(real, "openclaw"), join(root, "openclaw"));
    expect(detectInstallKind(probeInstallFacts(join(root, "openclaw"), {})).kind).toBe("npm");
    await copyFile(join(real, "openclaw"), join(root, "copied"));
    expect(detectInstallKind(probeInstallFacts(join(root, "copied"), {})).kind).toBe("self");
  });
});

