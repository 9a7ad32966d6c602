/**
 * The `hooks` config section (protocol.md §8.4) as the hook routes read it: whether hooks are
 * on, the token, the base path and the body limit, and, when hooks are enabled but cannot be
 * served safely, why. The section is an open object in the schema, so odd values are read
 * defensively and reported here rather than failing the config load.
 */
import type { OpenClawConfig } from "../../../../protocol/config-schema.ts";
import type { ResolvedAuth } from "../../../config/load.ts";

/** `hooks.path` default. */
export const DEFAULT_HOOKS_PATH = "/hooks";
/** `hooks.maxBodyBytes` default (256 KiB), as the reference's. */
export const DEFAULT_HOOKS_MAX_BODY = 256 * 1024;

export interface HooksSettings {
  /** `hooks.enabled === true`. */
  enabled: boolean;
  /** `hooks.token`, trimmed; undefined when unset or blank. */
  token: string | undefined;
  /** `hooks.path` normalised (leading `/`, no trailing `/`), or null when it cannot be one. */
  basePath: string | null;
  maxBodyBytes: number;
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `hooks.path` as a route prefix: a leading slash added and trailing ones removed, as the
 * reference does. `/` (every path would be a hook) and characters Bun's route patterns treat
 * specially (`*`, `:`) or that no path has (`?`, `#`, blanks) make it unusable: null.
 */
export function normalizeHooksPath(value: unknown): string | null {
  if (value === undefined) return DEFAULT_HOOKS_PATH;
  if (typeof value !== "string") return null;
  const path = `/${value.trim().replace(/^\/+/, "").replace(/\/+$/, "")}`;
  if (path === "/" || /[*:?#\s%]/.test(path) || path.includes("//")) return null;
  return path;
}

export function hooksSettings(config: Readonly<OpenClawConfig>): HooksSettings {
  const section: Loose = isObject(config.hooks) ? config.hooks : {};
  const token = typeof section.token === "string" && section.token.trim() ? section.token.trim() : undefined;
  const max = section.maxBodyBytes;
  return {
    enabled: section.enabled === true,
    token,
    basePath: normalizeHooksPath(section.path),
    maxBodyBytes: typeof max === "number" && Number.isInteger(max) && max > 0 ? max : DEFAULT_HOOKS_MAX_BODY,
  };
}

/**
 * Why enabled hooks are not served, or null when they are. A hook token equal to the gateway's
 * secret would hand every webhook sender full operator access, so that is refused, not warned.
 * `routedPath` is the base path the route table was built with (read once at start).
 */
export function hooksProblem(settings: HooksSettings, auth: ResolvedAuth, routedPath: string): string | null {
  if (!settings.token) return "hooks.enabled is true but hooks.token is not set";
  if (settings.token === auth.token || settings.token === auth.password) {
    return "hooks.token is the same as the gateway's token or password; set a separate hooks.token";
  }
  if (settings.basePath === null) return "hooks.path is not a usable path (it must not be / or contain *, :, ?, #, % or blanks)";
  if (settings.basePath !== routedPath) {
    return `hooks.path is ${settings.basePath} but hooks are routed at ${routedPath}: a changed hooks.path takes a restart, and a path another route has cannot be used`;
  }
  return null;
}
