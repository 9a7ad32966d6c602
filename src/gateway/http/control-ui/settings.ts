/**
 * `gateway.controlUi.enabled` (default true) and `basePath` (default: the root), read once when
 * the route table is built. A base path is normalised to `/a/b` (no trailing slash); one with
 * characters a URL path cannot carry plainly is refused at start, in words.
 */
import type { OpenClawConfig } from "../../../../protocol/config-schema.ts";
import { GatewayStartError } from "../../startup-policy.ts";

export interface ControlUiSettings {
  enabled: boolean;
  /** "" for the root, else `/a/b`. */
  basePath: string;
}

export function controlUiSettings(config: Readonly<OpenClawConfig>): ControlUiSettings {
  const ui = config.gateway?.controlUi ?? {};
  return { enabled: ui.enabled !== false, basePath: normaliseBasePath(ui.basePath) };
}

export function normaliseBasePath(raw: string | undefined): string {
  const trimmed = (raw ?? "").trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  const path = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path) || path.split("/").some((s) => s === "." || s === "..")) {
    throw new GatewayStartError(`gateway.controlUi.basePath ${JSON.stringify(raw)} is not a plain URL path; use letters, digits and - . _ ~ between slashes, e.g. "/openclaw"`);
  }
  return path;
}
