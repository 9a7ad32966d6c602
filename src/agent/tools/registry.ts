/**
 * The tool registry: every tool on offer, and per surface (`agent` runs, HTTP `/tools/invoke`)
 * the set the config's policy lets through. Tool sets are cached per config object, so the
 * policy is worked out once per config version, not per call; a reload brings a new object.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import { BUILTIN_TOOLS } from "./builtin.ts";
import { assertSupportedSchema } from "./check-args.ts";
import { executeTool, guardTool, resultForModel, type ToolOutcome } from "./execute.ts";
import { isToolAllowed, policyLayers, type ToolSurface } from "./policy.ts";
import type { Tool, ToolContext, ToolResult, ToolSpec } from "./types.ts";

export interface ToolRegistryOptions {
  /** The tools on offer before policy. Default: the built-in tools (`BUILTIN_TOOLS`). */
  tools?: readonly Tool[];
  policy?: {
    /** The `/tools/invoke` deny list before `gateway.tools`. Default: the reference's (`DEFAULT_HTTP_DENY`). */
    httpDeny?: readonly string[];
  };
  /** Where `ToolSet.run` logs masked failures (a `Logger` will do). Default: nowhere. */
  log?: { error(message: string, error: unknown): void };
}

/** The tools one surface offers under one config. */
export interface ToolSet {
  readonly surface: ToolSurface;
  /** The allowed tools; their `run` checks the arguments against the schema first (ToolError if not). */
  readonly tools: readonly Tool[];
  /** The (checked) tool called `name`, or undefined when unknown or denied by policy. */
  get(name: string): Tool | undefined;
  /** Name, description and JSON Schema of each tool, for the model's tool declarations. */
  specs(): readonly ToolSpec[];
  /** Runs a tool and reports the outcome unmasked (`/tools/invoke` maps it to statuses). */
  invoke(name: string, args: unknown, ctx: ToolContext): Promise<ToolOutcome | { status: "not-found" }>;
  /** Runs a tool for the model: never throws; refusals in words, failures masked and logged. */
  run(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult>;
}

export interface ToolRegistry {
  /** Every tool before policy. */
  readonly all: readonly Tool[];
  toolsFor(surface: ToolSurface, config: Readonly<OpenClawConfig>): ToolSet;
}

/** What model APIs accept as a function name (OpenAI: 64 characters of this alphabet). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function checkTools(tools: readonly Tool[]): void {
  const seen = new Set<string>();
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool.name)) throw new Error(`tool name ${JSON.stringify(tool.name)} is not [a-zA-Z0-9_-]{1,64}`);
    if (seen.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
    seen.add(tool.name);
    if (tool.parameters.type !== "object") throw new Error(`tool ${tool.name}: parameters must be an object schema`);
    assertSupportedSchema(tool.parameters, tool.name);
  }
}

export function createToolRegistry(options: ToolRegistryOptions = {}): ToolRegistry {
  const all = Object.freeze([...(options.tools ?? BUILTIN_TOOLS)]);
  checkTools(all);
  const cache = new WeakMap<object, Map<ToolSurface, ToolSet>>();

  const build = (surface: ToolSurface, config: Readonly<OpenClawConfig>): ToolSet => {
    const layers = policyLayers({ surface, config, httpDeny: options.policy?.httpDeny });
    const allowed = all.filter((tool) => isToolAllowed(tool.name, layers));
    // A Map, not an object: `__proto__` or `constructor` as a tool name is just unknown.
    const byName = new Map(allowed.map((tool) => [tool.name, tool]));
    const tools = Object.freeze(allowed.map(guardTool));
    const guardedByName = new Map(tools.map((tool) => [tool.name, tool]));
    const specs = Object.freeze(allowed.map(({ name, description, parameters }) => Object.freeze({ name, description, parameters })));
    const set: ToolSet = {
      surface,
      tools,
      get: (name) => guardedByName.get(name),
      specs: () => specs,
      async invoke(name, args, ctx) {
        const tool = byName.get(name);
        return tool ? executeTool(tool, args, ctx) : { status: "not-found" };
      },
      async run(name, args, ctx) {
        const outcome = await set.invoke(name, args, ctx);
        if (outcome.status === "not-found") return { content: `Tool not available: ${name}`, isError: true };
        if (outcome.status === "failed" && !ctx.signal.aborted) options.log?.error(`tool ${name} failed:`, outcome.error);
        return resultForModel(outcome);
      },
    };
    return set;
  };

  return {
    all,
    toolsFor(surface, config) {
      let sets = cache.get(config);
      if (!sets) cache.set(config, (sets = new Map()));
      let set = sets.get(surface);
      if (!set) sets.set(surface, (set = build(surface, config)));
      return set;
    },
  };
}

/** The built-in tools, for the agent runtime and `/tools/invoke`. */
export const defaultToolRegistry: ToolRegistry = createToolRegistry();

/** The tools an agent run offers under `config` (arguments checked before each run). */
export function agentTools(config: Readonly<OpenClawConfig>): readonly Tool[] {
  return defaultToolRegistry.toolsFor("agent", config).tools;
}
