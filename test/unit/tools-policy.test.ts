/**
 * Tool policy and the registry: the reference's default HTTP deny list, `gateway.tools`
 * allow/deny for `/tools/invoke`, `tools.allow`/`tools.deny` everywhere, groups and globs, the
 * specs handed to the model, and how a tool set runs tools (refusals in words, failures masked).
 */
import { describe, expect, test } from "bun:test";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { t } from "../../protocol/schema-builder.ts";
import { BUILTIN_TOOLS } from "../../src/agent/tools/builtin.ts";
import { DEFAULT_HTTP_DENY, isToolAllowed, policyLayers } from "../../src/agent/tools/policy.ts";
import { agentTools, createToolRegistry } from "../../src/agent/tools/registry.ts";
import { ToolError, type Tool } from "../../src/agent/tools/types.ts";
import { toolContext } from "../helpers/tool-context.ts";

const ALL = ["sessions_list", "sessions_history", "message", "canvas_list", "canvas_read", "canvas_write", "nodes"];
const registry = createToolRegistry();
const names = (surface: "agent" | "http", config: OpenClawConfig) => registry.toolsFor(surface, config).tools.map((tool) => tool.name);

describe("default policy", () => {
  test("the HTTP deny list is the reference's, in its order", () => {
    expect(DEFAULT_HTTP_DENY).toEqual(["exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch", "sessions_spawn", "sessions_send", "cron", "gateway", "nodes"]);
  });

  test("agents get every built-in tool; HTTP gets all but nodes", () => {
    expect(names("agent", {})).toEqual(ALL);
    expect(names("http", {})).toEqual(ALL.filter((name) => name !== "nodes"));
  });

  test("every listed default is denied over HTTP, whatever tool carries the name", () => {
    const layers = policyLayers({ surface: "http", config: {} });
    for (const name of DEFAULT_HTTP_DENY) expect({ name, allowed: isToolAllowed(name, layers) }).toEqual({ name, allowed: false });
    expect(isToolAllowed("exec", policyLayers({ surface: "agent", config: {} }))).toBe(true);
  });
});

describe("gateway.tools (HTTP only)", () => {
  test("allow takes names off the default deny list", () => {
    expect(names("http", { gateway: { tools: { allow: ["nodes"] } } })).toEqual(ALL);
    expect(names("http", { gateway: { tools: { allow: ["group:nodes"] } } })).toContain("nodes");
  });

  test("allow grants nothing beyond the defaults it removes", () => {
    const layers = policyLayers({ surface: "http", config: { gateway: { tools: { allow: ["gateway"] } } } });
    expect(isToolAllowed("gateway", layers)).toBe(true);
    expect(isToolAllowed("exec", layers)).toBe(false);
  });

  test("deny extends the list, and wins over allow", () => {
    expect(names("http", { gateway: { tools: { deny: ["message", "canvas_write"] } } })).toEqual(["sessions_list", "sessions_history", "canvas_list", "canvas_read"]);
    expect(names("http", { gateway: { tools: { allow: ["nodes"], deny: ["nodes"] } } })).not.toContain("nodes");
  });

  test("it does not touch agent runs (as in the reference)", () => {
    expect(names("agent", { gateway: { tools: { deny: ["message"] } } })).toEqual(ALL);
  });
});

describe("tools.allow / tools.deny (every surface)", () => {
  test("allow is an allowlist; deny wins", () => {
    const config = { tools: { allow: ["sessions_*", "canvas_read"], deny: ["sessions_history"] } };
    expect(names("agent", config)).toEqual(["sessions_list", "canvas_read"]);
    expect(names("http", config)).toEqual(["sessions_list", "canvas_read"]);
  });

  test("groups, globs and case", () => {
    expect(names("agent", { tools: { deny: ["group:messaging", "group:nodes"] } })).toEqual(ALL.filter((n) => n !== "message" && n !== "nodes"));
    expect(names("agent", { tools: { deny: ["group:fs"] } })).toEqual(["sessions_list", "sessions_history", "message", "nodes"]);
    expect(names("agent", { tools: { allow: ["group:sessions"] } })).toEqual(["sessions_list", "sessions_history"]);
    expect(names("agent", { tools: { allow: ["CANVAS_*"] } })).toEqual(["canvas_list", "canvas_read", "canvas_write"]);
    expect(names("agent", { tools: { deny: ["*"] } })).toEqual([]);
    // A glob's other characters are literal, not regular-expression syntax.
    expect(names("agent", { tools: { allow: ["canvas_.*"] } })).toEqual([]);
  });

  test("an empty allow list and odd values restrict nothing", () => {
    expect(names("agent", { tools: { allow: [], deny: [42, null, ""] } })).toEqual(ALL);
    expect(names("agent", { tools: "nonsense" } as unknown as OpenClawConfig)).toEqual(ALL);
  });
});

describe("registry", () => {
  test("tool sets are worked out once per config object", () => {
    const config = {};
    expect(registry.toolsFor("agent", config)).toBe(registry.toolsFor("agent", config));
    expect(registry.toolsFor("agent", config)).not.toBe(registry.toolsFor("http", config));
    expect(registry.toolsFor("agent", {})).not.toBe(registry.toolsFor("agent", config));
  });

  test("specs are name, description and JSON Schema, serialisable as they are", () => {
    const specs = registry.toolsFor("agent", {}).specs();
    expect(specs.map((s) => s.name)).toEqual(ALL);
    for (const spec of specs) {
      expect(Object.keys(spec)).toEqual(["name", "description", "parameters"]);
      expect(spec.description.length).toBeGreaterThan(10);
      expect(JSON.parse(JSON.stringify(spec.parameters))).toEqual(spec.parameters);
      expect(spec.parameters).toMatchObject({ type: "object", additionalProperties: false });
    }
    expect(specs.find((s) => s.name === "sessions_history")!.parameters).toEqual({
      type: "object",
      properties: {
        sessionKey: { type: "string", minLength: 1, maxLength: 512, description: "The session to read, e.g. agent:main:main (from sessions_list)." },
        limit: { type: "integer", minimum: 1, maximum: 1000, description: "Newest messages to return (default 50)." },
      },
      required: ["sessionKey"],
      additionalProperties: false,
    });
  });

  test("lookups do not resolve prototype names", () => {
    const set = registry.toolsFor("agent", {});
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) expect(set.get(name)).toBeUndefined();
  });

  test("bad tool definitions are refused when the registry is built", () => {
    const tool = (name: string, parameters: Record<string, unknown> = t.object({})): Tool => ({ name, description: "d", parameters, run: async () => ({ content: "" }) });
    expect(() => createToolRegistry({ tools: [tool("a"), tool("a")] })).toThrow("two tools are named a");
    expect(() => createToolRegistry({ tools: [tool("has space")] })).toThrow("is not [a-zA-Z0-9_-]{1,64}");
    expect(() => createToolRegistry({ tools: [tool("s", t.string())] })).toThrow("parameters must be an object schema");
    expect(() => createToolRegistry({ tools: [tool("f", { type: "object", properties: { d: { type: "string", format: "date" } } })] })).toThrow('unsupported schema keyword "format"');
  });

  test("a custom HTTP deny list replaces the default one", () => {
    const custom = createToolRegistry({ policy: { httpDeny: ["message"] } });
    expect(custom.toolsFor("http", {}).tools.map((tool) => tool.name)).toEqual(ALL.filter((n) => n !== "message"));
  });
});

describe("running tools", () => {
  const failing: Tool = { name: "boom", description: "fails", parameters: t.object({}), run: async () => Promise.reject(new Error("disk on fire at /secret/path")) };
  const refusing: Tool = { name: "no", description: "refuses", parameters: t.object({}, { additionalProperties: false }), run: async () => Promise.reject(new ToolError("not today")) };
  const soft: Tool = { name: "soft", description: "error result", parameters: t.object({}), run: async () => ({ content: "soft no", isError: true }) };
  const logged: unknown[][] = [];
  const set = createToolRegistry({ tools: [failing, refusing, soft], log: { error: (...args: unknown[]) => void logged.push(args) } }).toolsFor("agent", {});

  test("run: refusals in words, failures masked and logged, unknown tools named", async () => {
    const ctx = toolContext(null);
    expect(await set.run("no", {}, ctx)).toEqual({ content: "not today", isError: true, details: { error: "not today" } });
    expect(await set.run("soft", {}, ctx)).toEqual({ content: "soft no", isError: true, details: { error: "soft no" } });
    expect(await set.run("boom", {}, ctx)).toEqual({ content: "tool execution failed", isError: true, details: { error: "tool execution failed" } });
    expect(logged).toHaveLength(1);
    expect(String(logged[0]![0])).toBe("tool boom failed:");
    expect(await set.run("ghost", {}, ctx)).toEqual({ content: "Tool not available: ghost", isError: true });
    expect(await set.run("no", { extra: 1 }, ctx)).toEqual({ content: "invalid arguments: at /: unknown argument 'extra'", isError: true, details: { error: "invalid arguments: at /: unknown argument 'extra'" } });
  });

  test("a run that was aborted is not logged as a failure", async () => {
    const controller = new AbortController();
    controller.abort();
    const before = logged.length;
    expect((await set.run("boom", {}, toolContext(null, { signal: controller.signal }))).content).toBe("tool execution failed");
    expect(logged.length).toBe(before);
  });

  test("the tools a set hands out check their arguments themselves (callers may run them directly)", async () => {
    const canvasRead = agentTools({}).find((tool) => tool.name === "canvas_read")!;
    await expect(canvasRead.run({ path: 42 } as Record<string, unknown>, toolContext(null))).rejects.toEqual(new ToolError("invalid arguments: at /path: must be a string"));
    expect(agentTools({ tools: { deny: ["canvas_read"] } }).map((tool) => tool.name)).not.toContain("canvas_read");
    expect(agentTools({}).map((tool) => tool.name)).toEqual(BUILTIN_TOOLS.map((tool) => tool.name));
  });
});
