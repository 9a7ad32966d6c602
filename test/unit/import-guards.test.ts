/**
 * Layering, checked on the import specifiers of every source file (type-only imports count:
 * they are dependencies too):
 * - `protocol/` is the wire contract shared with clients: it imports nothing from `src/`.
 * - `src/gateway/ws/` is the gateway's socket layer: only the gateway (`src/gateway/`) uses it.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const transpiler = new Bun.Transpiler({ loader: "ts", trimUnusedImports: false });
// The control UI's pages are TSX, which the "ts" loader cannot parse.
const tsxTranspiler = new Bun.Transpiler({ loader: "tsx", trimUnusedImports: false });

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts"))
    .map((name) => join(dir, name))
    .sort();
}

/**
 * Every specifier `file` imports or re-exports. Bun's scanner drops type-only imports (they
 * are erased), so those are made value imports first; `import("…")` in type positions is
 * picked up separately.
 */
function importsOf(source: string, tsx = false): string[] {
  const valueOnly = source
    .replace(/^#!.*/, "") // the scanner does not take a shebang line
    .replace(/\b(import|export)\s+type\b(?=\s*[{*])/g, "$1")
    .replace(/\bimport\s+type\s+(?=[\w$]+\s+from\b)/g, "import ")
    .replace(/([{,]\s*)type\s+(?=[\w$])/g, "$1");
  const found = new Set((tsx ? tsxTranspiler : transpiler).scanImports(valueOnly).map((entry) => entry.path));
  for (const match of source.matchAll(/\bimport\(\s*(["'])([^"']+)\1\s*\)/g)) found.add(match[2]!);
  return [...found];
}

/** Repo-relative path a relative specifier of `file` points at; null for packages and `bun:`/`node:` modules. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  return relative(ROOT, resolve(ROOT, dirname(file), specifier));
}

function violations(files: string[], forbidden: (file: string, target: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(join(ROOT, file), "utf8"), file.endsWith(".tsx"))) {
      const to = target(file, specifier);
      if (to !== null && forbidden(file, to)) found.push(`${file} imports ${specifier}`);
    }
  }
  return found;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

test("the scanner sees every kind of import", () => {
  const source = [
    'import type { A } from "./a.ts";',
    'import { type B, C } from "./bc.ts";',
    'import {\n  type D,\n} from "./d.ts";',
    'export type { E } from "./e.ts";',
    'export * from "./f.ts";',
    'import "./g.ts";',
    'type H = import("./h.ts").H;',
    'const i = await import("./i.ts");',
    'import { unused } from "./j.ts";',
    "// import { k } from './comment.ts';",
  ].join("\n");
  expect(importsOf(source).sort()).toEqual(["./a.ts", "./bc.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts", "./h.ts", "./i.ts", "./j.ts"]);
});

test("protocol/ imports nothing from src/", () => {
  const files = sourceFiles("protocol");
  expect(files.length).toBeGreaterThan(0);
  expect(violations(files, (_file, to) => under(to, "src"))).toEqual([]);
});

test("only the gateway layer (src/gateway/) imports src/gateway/ws/", () => {
  const files = sourceFiles("src");
  expect(files.length).toBeGreaterThan(0);
  expect(violations(files, (file, to) => under(to, "src/gateway/ws") && !under(file, "src/gateway"))).toEqual([]);
});
