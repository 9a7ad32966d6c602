/**
 * install.ps1, statically: PowerShell (pwsh) is not in Debian's archive and its npm wrapper
 * downloads the real thing from outside at install time, so this machine cannot run the script.
 * What can be checked here is checked: the brackets balance outside strings and comments, the
 * options match install.sh's, the default base and file names follow the release contract, the
 * SHA-256 check comes before anything touches the install dir, the temp dir is removed in a
 * `finally`, and a failure piped into `iex` does not `exit` the user's shell.
 */
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { DEFAULT_INSTALL_BASE } from "../../src/update/manifest.ts";

const PS1 = new URL("../../install.ps1", import.meta.url).pathname;
const SH = new URL("../../install.sh", import.meta.url).pathname;

/** The code with comments and string contents blanked (strings keep their quotes), so structure can be checked. */
function stripPowerShell(source: string): string {
  let out = "";
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === "<" && source[i + 1] === "#") {
      const end = source.indexOf("#>", i + 2);
      if (end < 0) throw new Error("unterminated <# block comment");
      i = end + 2;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "'") {
      // Single quotes: literal; '' is an escaped quote.
      let j = i + 1;
      for (; j < source.length; j++) if (source[j] === "'") { if (source[j + 1] === "'") j++; else break; }
      if (j >= source.length) throw new Error(`unterminated '…' string at ${i}`);
      out += "''";
      i = j + 1;
    } else if (c === '"') {
      // Double quotes: ` escapes; $(…) subexpressions hold code, which is kept (and checked).
      let j = i + 1;
      let code = "";
      for (; j < source.length && source[j] !== '"'; j++) {
        if (source[j] === "`") j++;
        else if (source[j] === "$" && source[j + 1] === "(") {
          let depth = 0;
          for (; j < source.length; j++) {
            if (source[j] === "(") depth++;
            if (source[j] === ")" && --depth === 0) break;
            code += source[j];
          }
          code += ")";
        }
      }
      if (j >= source.length) throw new Error(`unterminated "…" string at ${i}`);
      out += `"${code}"`;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function balanced(code: string): string | null {
  const pairs: Record<string, string> = { ")": "(", "}": "{", "]": "[" };
  const stack: string[] = [];
  for (const c of code) {
    if ("({[".includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return `unexpected ${c}`;
  }
  return stack.length ? `unclosed ${stack.join("")}` : null;
}

describe("install.ps1 (static checks; no PowerShell on this machine)", async () => {
  const source = await readFile(PS1, "utf8");
  const code = stripPowerShell(source);

  test("brackets balance outside strings and comments", () => {
    expect(balanced(code)).toBeNull();
    // The checker itself finds what it is for.
    expect(balanced(stripPowerShell('if ($a) { Write-Host "}" '))).toBe("unclosed {");
    expect(balanced(stripPowerShell("# {\n$x = '('"))).toBeNull();
  });

  test("the same options as install.sh", async () => {
    const params = /^param\(([\s\S]*?)^\)/m.exec(source)?.[1] ?? "";
    expect([...params.matchAll(/\$(\w+)/g)].map((m) => m[1])).toEqual(["Version", "Prefix", "ModifyPath", "Service", "Quiet", "Help"]);
    const sh = await readFile(SH, "utf8");
    for (const pattern of ["--version)", "--prefix)", "--modify-path)", "--service)", "--quiet | -q)", "--help | -h)"]) expect(sh).toContain(`    ${pattern}`);
  });

  test("default base, override variable and file names follow the release contract", async () => {
    expect(source).toContain(`$DefaultBase = "${DEFAULT_INSTALL_BASE}"`);
    expect(await readFile(SH, "utf8")).toContain(`DEFAULT_BASE="${DEFAULT_INSTALL_BASE}"`);
    expect(code).toContain("$env:OPENCLAW_INSTALL_BASE");
    expect(source).toContain('$Target = "windows-x64"');
    expect(source).toContain('$file = "openclaw-$ver-$Target.zip"');
    expect(source).toContain('"$base/$ver/SHA256SUMS"');
    expect(source).toContain('"$base/latest"');
  });

  test("verifies SHA-256, extracts and runs the binary before the install dir is touched", () => {
    const at = (needle: string) => {
      const index = code.indexOf(needle);
      expect(index).toBeGreaterThan(-1);
      return index;
    };
    const hash = at("Get-FileHash -Algorithm SHA256");
    const compare = at("if ($actual -ne $expected)");
    const extract = at("Expand-Archive");
    const runs = at("& $exe --version");
    const firstWrite = Math.min(at("New-Item -ItemType Directory -Force -Path $prefixDir"), at("Copy-Item"), at("Move-Item"));
    expect(hash).toBeLessThan(compare);
    expect(compare).toBeLessThan(extract);
    expect(extract).toBeLessThan(runs);
    expect(runs).toBeLessThan(firstWrite);
  });

  test("cleans up in finally, keeps the previous binary, and never exits an iex session", () => {
    expect(code).toMatch(/\} finally \{[\s\S]*Remove-Item -Recurse -Force \$tmp/);
    expect(source).toContain('Join-Path $prefixDir "openclaw.exe.previous"');
    expect(source).toContain('"openclaw.exe.tmp.$PID"');
    expect([...code.matchAll(/\bexit\b.*/g)].map((m) => m[0])).toEqual(["exit 1 }"]);
    expect(code).toContain("if ($PSCommandPath) { exit 1 }");
    expect(code).not.toMatch(/Invoke-Expression|\biex\b/);
  });
});
