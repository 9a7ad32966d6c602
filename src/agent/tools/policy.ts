/**
 * Which tools a surface offers, as the reference decides it:
 * - everywhere, `tools.allow` (when non-empty, only matching tools) and `tools.deny` (deny wins);
 * - over HTTP (`/tools/invoke`) also a hard default deny list, which `gateway.tools.allow`
 *   shortens and `gateway.tools.deny` extends (deny wins over allow).
 * Entries are tool names, `*` globs (`sessions_*`) or `group:<name>`; matching ignores case.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";

export type ToolSurface = "agent" | "http";

/**
 * The reference's default deny list for `/tools/invoke`: command execution, host file mutation,
 * session orchestration and the control planes (cron, gateway, node relay to `system.run`).
 */
export const DEFAULT_HTTP_DENY: readonly string[] = Object.freeze([
  "exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch",
  "sessions_spawn", "sessions_send", "cron", "gateway", "nodes",
]);

const CANVAS_FILES = ["canvas_list", "canvas_read", "canvas_write"];

/**
 * The reference's groups, with the built-in tools of this build that belong to them. The canvas
 * file tools are in `group:fs` too: whoever denies file tools means these as well.
 */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "group:sessions": ["sessions_list", "sessions_history", "sessions_send", "sessions_spawn"],
  "group:messaging": ["message"],
  "group:nodes": ["nodes"],
  "group:fs": ["read", "write", "edit", "apply_patch", ...CANVAS_FILES],
  "group:ui": ["canvas", ...CANVAS_FILES],
  "group:runtime": ["exec", "process", "code_execution"],
  "group:automation": ["cron", "gateway"],
  "group:openclaw": ["sessions_list", "sessions_history", "message", "nodes", "cron", "gateway"],
});

/** One layer of policy: a tool must match `allow` (when non-empty) and must not match `deny`. */
export interface PolicyLayer {
  allow?: readonly string[];
  deny?: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function entryMatches(entry: string, name: string): boolean {
  const wanted = entry.trim().toLowerCase();
  if (wanted === "") return false;
  if (Object.hasOwn(TOOL_GROUPS, wanted)) return TOOL_GROUPS[wanted]!.includes(name);
  if (!wanted.includes("*")) return wanted === name;
  return new RegExp(`^${wanted.split("*").map(escapeRegExp).join(".*")}$`).test(name);
}

function matchesAny(entries: readonly string[], name: string): boolean {
  return entries.some((entry) => entryMatches(entry, name));
}

/** Whether every layer lets `name` through. */
export function isToolAllowed(name: string, layers: readonly PolicyLayer[]): boolean {
  const tool = name.toLowerCase();
  return layers.every((layer) => {
    if (layer.deny && matchesAny(layer.deny, tool)) return false;
    return !layer.allow || layer.allow.length === 0 || matchesAny(layer.allow, tool);
  });
}

/** Only the strings of a loosely typed list (`tools` is not schema-checked). */
function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

export interface PolicyInput {
  surface: ToolSurface;
  config: Readonly<OpenClawConfig>;
  /** The `/tools/invoke` default deny list; default `DEFAULT_HTTP_DENY`. */
  httpDeny?: readonly string[];
}

/** The layers that apply on `surface` under `config`. */
export function policyLayers({ surface, config, httpDeny = DEFAULT_HTTP_DENY }: PolicyInput): PolicyLayer[] {
  const tools = (config.tools ?? {}) as { allow?: unknown; deny?: unknown };
  const layers: PolicyLayer[] = [{ allow: strings(tools.allow), deny: strings(tools.deny) }];
  if (surface === "http") {
    const gateway = config.gateway?.tools ?? {};
    const allowed = gateway.allow ?? [];
    // `gateway.tools.allow` only takes names off the default list; it grants nothing else.
    const defaults = httpDeny.filter((name) => !matchesAny(allowed, name));
    layers.push({ deny: [...defaults, ...(gateway.deny ?? [])] });
  }
  return layers;
}
