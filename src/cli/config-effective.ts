/**
 * What the gateway actually uses for a config key: the file's value, an environment variable,
 * or the options loader's default. `config get` shows it, because "gateway.port is not set"
 * says nothing about the port the gateway will listen on.
 */
import type { Options } from "../config/load.ts";
import { envValue } from "../config/paths.ts";
import { DEFAULT_RELOAD_DEBOUNCE_MS, DEFAULT_RELOAD_MODE } from "../gateway/config-reloader.ts";

/** Where a value comes from; `--json` output of `config get` carries it as `source`. */
export type ValueSource = "config" | "env" | "default";

export interface EffectiveValue {
  value: unknown;
  source: ValueSource;
  /** For people: the variable (`from OPENCLAW_GATEWAY_PORT`) or how the default arises. */
  note?: string;
}

/** undefined: neither the file nor the environment sets it, and there is no default. */
type Resolver = (options: Readonly<Options>) => EffectiveValue | undefined;

/** The first of `names` set in the environment, for saying which one was used. */
const envName = (options: Readonly<Options>, ...names: string[]) => names.find((name) => envValue(options.env, name));

const fromEnv = (value: unknown, name: string): EffectiveValue => ({ value, source: "env", note: `from ${name}` });
const byDefault = (value: unknown, note = "default"): EffectiveValue => ({ value, source: "default", note });

/** The file's value when it has one, else `fallback`. */
const orDefault = (configured: unknown, fallback: unknown, note?: string): EffectiveValue =>
  configured !== undefined ? { value: configured, source: "config" } : byDefault(fallback, note);

function port(o: Readonly<Options>): EffectiveValue {
  if (o.portSource === "env") return fromEnv(o.port, envName(o, "OPENCLAW_GATEWAY_PORT", "CLAWDBOT_GATEWAY_PORT")!);
  if (o.portSource === "config") return { value: o.port, source: "config" };
  return byDefault(o.port, o.portSource === "profile" ? `default for the ${o.paths.profile} profile` : "default");
}

function canvasPort(o: Readonly<Options>): EffectiveValue {
  // The loader lets a whole-number OPENCLAW_CANVAS_HOST_PORT win over the file.
  if (Number.isInteger(Number.parseInt(envValue(o.env, "OPENCLAW_CANVAS_HOST_PORT") ?? "", 10))) return fromEnv(o.canvas.port, "OPENCLAW_CANVAS_HOST_PORT");
  return orDefault(o.config.canvasHost?.port, o.canvas.port, o.port === 0 ? "default: any free port, as the gateway's" : "default: gateway port + 4");
}

function canvasEnabled(o: Readonly<Options>): EffectiveValue {
  const configured = o.config.canvasHost?.enabled;
  if (configured === false) return { value: false, source: "config" };
  if (envValue(o.env, "OPENCLAW_SKIP_CANVAS_HOST") === "1") return fromEnv(false, "OPENCLAW_SKIP_CANVAS_HOST");
  return orDefault(configured, true);
}

function authMode(o: Readonly<Options>): EffectiveValue {
  const auth = o.config.gateway?.auth ?? {};
  if (auth.mode !== undefined) return { value: auth.mode, source: "config" };
  if (o.auth.mode !== "password") return byDefault(o.auth.mode);
  if (auth.password?.trim()) return byDefault("password", "default, because gateway.auth.password is set");
  return fromEnv("password", envName(o, "OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD")!);
}

/** A secret from the file or, failing that, the environment; no default (setup generates one). */
const secret = (kind: "token" | "password"): Resolver => (o) => {
  const configured = o.config.gateway?.auth?.[kind]?.trim();
  if (configured) return { value: configured, source: "config" };
  const upper = kind.toUpperCase();
  const name = envName(o, `OPENCLAW_GATEWAY_${upper}`, `CLAWDBOT_GATEWAY_${upper}`);
  return name ? fromEnv(o.auth[kind], name) : undefined;
};

/** Keys whose effective value the loader (or the gateway) decides when the file is silent. */
const RESOLVERS: ReadonlyMap<string, Resolver> = new Map<string, Resolver>([
  ["gateway.port", port],
  ["gateway.bind", (o) => orDefault(o.config.gateway?.bind, o.bind)],
  ["gateway.auth.mode", authMode],
  ["gateway.auth.token", secret("token")],
  ["gateway.auth.password", secret("password")],
  ["gateway.reload.mode", (o) => orDefault(o.config.gateway?.reload?.mode, DEFAULT_RELOAD_MODE)],
  ["gateway.reload.debounceMs", (o) => orDefault(o.config.gateway?.reload?.debounceMs, DEFAULT_RELOAD_DEBOUNCE_MS)],
  ["canvasHost.port", canvasPort],
  ["canvasHost.enabled", canvasEnabled],
  ["canvasHost.root", (o) => orDefault(o.config.canvasHost?.root, o.canvas.root)],
  ["agents.defaults.workspace", (o) => orDefault(o.config.agents?.defaults?.workspace, o.workspace)],
  ["logging.level", (o) => orDefault(o.config.logging?.level, o.logging.level)],
]);

/** The value the gateway uses for `path`; undefined when it is set nowhere or only the file decides it. */
export function effectiveValue(options: Readonly<Options>, path: string): EffectiveValue | undefined {
  return RESOLVERS.get(path)?.(options);
}
