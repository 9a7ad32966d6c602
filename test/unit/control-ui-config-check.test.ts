/**
 * The Config page's browser-side checks agree with the gateway: its JSON5 reader accepts and
 * refuses what Bun.JSON5 (the gateway's parser) does, and its schema check over `config.schema`
 * finds the same errors (by key path) and the same unknown-key warnings as `checkConfig`.
 */
import { describe, expect, test } from "bun:test";
import { OpenClawConfig } from "../../protocol/config-schema.ts";
import { ConfigError, checkConfig } from "../../src/config/read-config.ts";
import { parseJson5 } from "../../src/control-ui/pages/config/json5.ts";
import { checkAgainstSchema } from "../../src/control-ui/pages/config/schema-check.ts";

const ACCEPTED = [
  `{a: 1, 'b': "x\\ny", c: [1, 2,], d: {e: null, f: true,},}`,
  `// a comment\n{ /* inline */ gateway: { port: 18789 } }`,
  `{hex: 0x1F, neg: -0x10, half: .5, trail: 5., plus: +3, exp: 1e3, inf: -Infinity}`,
  `{s: 'it\\'s', cont: "a\\\nb", uni: "\\u00e9\\x41", $key_1: 1, ünï: 2}`,
  `{"__proto__": 1}`,
  `[]`, `"text"`, `  42  `, `null`,
];
const REFUSED = [`{a: 01}`, `{a: 1,,}`, `{a: 1} x`, `{a:`, `{"a": 1`, `{a: 'x}`, `{a: "line\nbreak"}`, `{/* open`, `{a: tru}`, `{1a: 2}`, `{a: "\\1"}`, ``];

describe("parseJson5 (config page)", () => {
  test.each(ACCEPTED)("reads %p as Bun.JSON5 does", (text) => {
    expect(parseJson5(text).value).toEqual(Bun.JSON5.parse(text));
  });
  test.each(REFUSED)("refuses %p as Bun.JSON5 does, with a position", (text) => {
    expect(() => Bun.JSON5.parse(text)).toThrow();
    expect(() => parseJson5(text)).toThrow(/at line \d+, column \d+$/);
  });
  test("reports comments, which the config writer drops", () => {
    expect(parseJson5(`{a: 1} // x`).hasComments).toBe(true);
    expect(parseJson5(`{a: "// not a comment"}`).hasComments).toBe(false);
  });
  test("says where the mistake is", () => {
    expect(() => parseJson5(`{\n  gateway: {\n    port: 1\n    bind: "lan"\n  }\n}`)).toThrow(`expected "," or "}", found "b" at line 4, column 5`);
  });
});

/** The gateway's verdict in the page's terms: error key paths, and the warnings. */
function gatewayVerdict(config: unknown): { errorPaths: string[]; warnings: string[] } {
  try {
    return { errorPaths: [], warnings: checkConfig("openclaw.json", config).warnings };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { errorPaths: error.problems.map((p) => p.split(":")[0]!).sort(), warnings: [] };
  }
}

const CONFIGS: unknown[] = [
  {},
  { gateway: { port: 18789, bind: "loopback", auth: { mode: "token", token: "t" } }, logging: { level: "debug" } },
  { gateway: { port: 70000 } },
  { gateway: { port: 1.5, bind: "everywhere", auth: { token: 7 } } },
  { gateway: { reload: { debounceMs: -1 }, controlUi: { allowedOrigins: ["x", 3] } } },
  { gateway: { unknownKey: true, auth: { alsoUnknown: 1 } }, notASection: {} },
  { channels: { telegram: { botToken: "1:a" } }, agents: { list: [{ id: "main" }], defaults: { workspace: 3 } } },
  { logging: { level: "loud", redactPatterns: "not a list" }, canvasHost: { port: -5, enabled: "yes" } },
];

describe("checkAgainstSchema (config page)", () => {
  const schema = JSON.parse(JSON.stringify(OpenClawConfig)); // as config.schema sends it
  test.each(CONFIGS.map((c) => [JSON.stringify(c), c]))("agrees with the gateway on %s", (_name, config) => {
    const page = checkAgainstSchema(schema, config);
    const gateway = gatewayVerdict(config);
    expect(page.errors.map((e) => e.split(":")[0]!).sort()).toEqual(gateway.errorPaths);
    if (gateway.errorPaths.length === 0) expect(page.warnings.sort()).toEqual(gateway.warnings.sort());
  });
});
