/** The tool-argument checker: the JSON Schema subset the tools use, and nothing half-checked. */
import { describe, expect, test } from "bun:test";
import { t } from "../../protocol/schema-builder.ts";
import { BUILTIN_TOOLS } from "../../src/agent/tools/builtin.ts";
import { assertSupportedSchema, checkArgs, UnsupportedSchemaError } from "../../src/agent/tools/check-args.ts";

const schema = t.object(
  {
    path: t.string({ minLength: 1, maxLength: 3 }),
    limit: t.optional(t.integer({ minimum: 1, maximum: 10 })),
    ratio: t.optional(t.number({ minimum: 0, maximum: 1 })),
    mode: t.optional(t.enum(["a", "b"])),
    tags: t.optional(t.array(t.string({ pattern: "^[a-z]+$" }), { maxItems: 2 })),
    flag: t.optional(t.boolean()),
    anything: t.optional(t.unknown()),
    either: t.optional(t.union([t.string(), t.integer()])),
  },
  { additionalProperties: false },
);

describe("checkArgs", () => {
  test("arguments that fit pass", () => {
    expect(checkArgs(schema, { path: "ab" })).toBeNull();
    expect(checkArgs(schema, { path: "abc", limit: 10, ratio: 0.5, mode: "b", tags: ["x", "y"], flag: false, anything: { deep: [1] }, either: 3 })).toBeNull();
    expect(checkArgs(schema, { path: "abc", either: "s" })).toBeNull();
  });

  const cases: [string, unknown, string][] = [
    ["a missing required argument", {}, "at /: missing required argument 'path'"],
    ["a wrong type", { path: 5 }, "at /path: must be a string"],
    ["a float for an integer", { path: "a", limit: 1.5 }, "at /limit: must be an integer"],
    ["below the minimum", { path: "a", limit: 0 }, "at /limit: must be >= 1"],
    ["above the maximum", { path: "a", ratio: 2 }, "at /ratio: must be <= 1"],
    ["too short", { path: "" }, "at /path: must have at least 1 characters"],
    ["too long", { path: "abcd" }, "at /path: must have at most 3 characters"],
    ["outside the enum", { path: "a", mode: "c" }, 'at /mode: must be one of "a", "b"'],
    ["too many items", { path: "a", tags: ["a", "b", "c"] }, "at /tags: must have at most 2 items"],
    ["an item off pattern", { path: "a", tags: ["A"] }, "at /tags/0: must match ^[a-z]+$"],
    ["an unknown argument", { path: "a", pth: "x" }, "at /: unknown argument 'pth'"],
    ["__proto__ as an argument", JSON.parse('{"path":"a","__proto__":{"x":1}}'), "at /: unknown argument '__proto__'"],
    ["no union member", { path: "a", either: true }, "at /either: does not match any allowed shape"],
    ["a string for a boolean", { path: "a", flag: "yes" }, "at /flag: must be a boolean"],
  ];
  for (const [what, args, message] of cases) {
    test(`${what} is reported`, () => {
      expect(checkArgs(schema, args)).toBe(message);
    });
  }

  test("lengths count code points, not UTF-16 units", () => {
    expect(checkArgs(schema, { path: "😀😀😀" })).toBeNull();
    expect(checkArgs(schema, { path: "😀😀😀😀" })).toBe("at /path: must have at most 3 characters");
  });

  test("a non-object is refused at the top", () => {
    expect(checkArgs(schema, [])).toBe("at /: must be an object");
    expect(checkArgs(schema, null)).toBe("at /: must be an object");
  });

  test("at most five problems are listed, then a count", () => {
    const wide = t.object({ a: t.string(), b: t.string(), c: t.string(), d: t.string(), e: t.string(), f: t.string(), g: t.string() });
    const message = checkArgs(wide, {})!;
    expect(message.split("; ")).toHaveLength(6);
    expect(message.endsWith("and 2 more")).toBe(true);
  });
});

describe("assertSupportedSchema", () => {
  test("every built-in tool's schema uses only keywords the checker enforces", () => {
    for (const tool of BUILTIN_TOOLS) expect(() => assertSupportedSchema(tool.parameters, tool.name)).not.toThrow();
  });

  test("an unknown keyword anywhere is refused with where it is", () => {
    const nested = t.object({ list: t.array(t.object({ when: { type: "string", format: "date-time" } })) });
    expect(() => assertSupportedSchema(nested, "x")).toThrow(new UnsupportedSchemaError('x.list.items.when: unsupported schema keyword "format"'));
    expect(() => assertSupportedSchema({ type: "object", patternProperties: {} })).toThrow(UnsupportedSchemaError);
  });
});

describe("agrees with ajv", () => {
  test("on valid and invalid arguments for every built-in tool", async () => {
    const { default: Ajv } = await import("ajv");
    const ajv = new Ajv({ strict: false, allErrors: true });
    const samples: unknown[] = [
      {}, { path: "index.html" }, { path: "" }, { path: 1 }, { path: "a", content: "x" }, { path: "a", content: 1 },
      { action: "list" }, { action: "invoke", nodeId: "n", command: "system.which", params: { bins: ["sh"] } }, { action: "nope" },
      { action: "invoke", timeoutMs: 0 }, { to: "123", message: "hi" }, { to: "", message: "hi" }, { to: "1", message: "hi", channel: "telegram" },
      { sessionKey: "agent:main:main", limit: 5 }, { sessionKey: "k", limit: 1001 }, { limit: 200 }, { limit: 201 }, { activeMinutes: 0 },
      { recursive: true }, { recursive: "yes" }, { extra: 1 },
    ];
    for (const tool of BUILTIN_TOOLS) {
      const validate = ajv.compile(tool.parameters);
      for (const args of samples) {
        expect({ tool: tool.name, args, ok: checkArgs(tool.parameters, args) === null }).toEqual({ tool: tool.name, args, ok: validate(args) });
      }
    }
  });
});
