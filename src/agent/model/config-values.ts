/**
 * Defensive readers for the loosely typed `models`, `agents` and `env` config sections: the
 * schema accepts them as they are, so every value is checked here and odd ones become warnings.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export type Warn = (message: string) => void;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property only: config keys such as `__proto__` or `constructor` never reach the prototype. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The object at `path`, or undefined when any step is missing or not an object. */
export function recordAt(root: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let value = root;
  for (const key of path) {
    if (!isRecord(value)) return undefined;
    value = own(value, key);
  }
  return isRecord(value) ? value : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function positiveInteger(value: unknown, where: string, warn: Warn): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  warn(`${where} must be a positive integer; using the default`);
  return undefined;
}

/**
 * The process env first, then the config's `env.vars` and the older flat `env` strings: the
 * config only fills in what the environment does not set (channels-and-models.md §4.2).
 */
export function envLookup(config: unknown, env: Env): (name: string) => string | undefined {
  const section = recordAt(config, "env");
  const vars = section ? recordAt(section, "vars") : undefined;
  return (name) => {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return fromEnv;
    return nonEmptyString(vars && own(vars, name)) ?? nonEmptyString(section && own(section, name));
  };
}

/**
 * Replaces every `${NAME}` with its env value. Missing names are reported rather than replaced
 * with "", so a key such as `${OPENAI_API_KEY}` never silently becomes an empty credential.
 */
export function substituteEnv(value: string, lookup: (name: string) => string | undefined): { value: string; missing: string[] } {
  const missing: string[] = [];
  const result = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = lookup(name);
    if (found === undefined) missing.push(name);
    return found ?? "";
  });
  return { value: result, missing };
}

/** `localhost`, `127.0.0.0/8` and `::1`: local servers that are assumed to stream usage. */
export function isLoopbackUrl(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
