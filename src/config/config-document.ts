/**
 * The config file as a plain object the CLI edits: dotted key paths and secret masking. Saving
 * is `updateConfig`'s job (config-writer.ts), which validates before anything touches the disk.
 *
 * Saving rewrites the file as JSON, so comments and JSON5 formatting in a hand-written file are
 * lost (the previous text stays in `<config>.bak`). Acceptable for now; a comment-preserving
 * JSON5 editor would fix it.
 */
import { REDACTED } from "../../protocol/methods/config.ts";
import { ConfigError } from "./read-config.ts";
import { isSecretKey, redactConfig } from "./redact-config.ts";

export type ConfigObject = Record<string, unknown>;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export class ConfigPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigPathError";
  }
}

/** `gateway.auth.token` → `["gateway", "auth", "token"]`; empty and prototype keys are refused. */
export function splitPath(path: string): string[] {
  const parts = path.split(".");
  for (const part of parts) {
    if (part === "") throw new ConfigPathError(`invalid config path "${path}": empty key`);
    if (FORBIDDEN_KEYS.has(part)) throw new ConfigPathError(`invalid config path "${path}": "${part}" is not allowed`);
  }
  return parts;
}

/** Parses the file's text (JSON5); an empty or missing file is `{}`. */
export function parseDocument(file: string, raw: string | null): ConfigObject {
  if (raw === null || raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = Bun.JSON5.parse(raw);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON5: ${(error as Error).message.replace(/^JSON5 Parse error: /, "")}`]);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(file, ["(root): must be an object"]);
  return parsed as ConfigObject;
}

const isObject = (value: unknown): value is ConfigObject => value !== null && typeof value === "object" && !Array.isArray(value);

function child(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return /^\d+$/.test(key) ? node[Number(key)] : undefined;
  return isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

export function getAtPath(doc: ConfigObject, parts: readonly string[]): unknown {
  let node: unknown = doc;
  for (const key of parts) node = child(node, key);
  return node;
}

/** Sets a value, creating objects on the way; an existing array is indexed by number. */
export function setPath(doc: ConfigObject, parts: readonly string[], value: unknown): void {
  let node: ConfigObject | unknown[] = doc;
  for (const [i, key] of parts.entries()) {
    const last = i === parts.length - 1;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) throw new ConfigPathError(`invalid config path: "${parts.slice(0, i).join(".")}" is a list; use a number for "${key}"`);
      if (last) node[Number(key)] = value;
      else node = (isObject(node[Number(key)]) || Array.isArray(node[Number(key)]) ? node[Number(key)] : (node[Number(key)] = {})) as ConfigObject;
    } else {
      const next: unknown = Object.hasOwn(node, key) ? node[key] : undefined;
      if (last) node[key] = value;
      else node = (isObject(next) || Array.isArray(next) ? next : (node[key] = {})) as ConfigObject;
    }
  }
}

/** Removes a value; returns false when it was not set. */
export function unsetPath(doc: ConfigObject, parts: readonly string[]): boolean {
  const parent = getAtPath(doc, parts.slice(0, -1));
  const key = parts[parts.length - 1]!;
  if (Array.isArray(parent) && /^\d+$/.test(key) && Number(key) < parent.length) {
    parent.splice(Number(key), 1);
    return true;
  }
  if (!isObject(parent) || !Object.hasOwn(parent, key)) return false;
  delete parent[key];
  return true;
}

/** A value read at `key` (the last path segment), with secrets masked as `config.get` masks them. */
export function redactSecrets(value: unknown, key = ""): unknown {
  if (typeof value === "string") return isSecretKey(key) && value !== "" ? REDACTED : value;
  return redactConfig(value);
}
