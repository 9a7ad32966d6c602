/**
 * Reading a release from the base URL: `<base>/latest` names the newest version,
 * `<base>/<version>/manifest.json` lists its artefacts (scripts/release/manifest-types.ts).
 */
import type { Manifest, ManifestArtefact } from "../../scripts/release/manifest-types.ts";
import { UpdateError } from "./update-error.ts";

export const DEFAULT_INSTALL_BASE = "https://releases.openclaw-gateway-bun.dev";
const METADATA_TIMEOUT_MS = 30_000;
/** A version goes into URLs and file names: only the characters versions have. */
const VERSION_SHAPE = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

export function installBase(env: Readonly<Record<string, string | undefined>>): string {
  const base = (env.OPENCLAW_INSTALL_BASE?.trim() || DEFAULT_INSTALL_BASE).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UpdateError(`OPENCLAW_INSTALL_BASE is not a URL: ${base}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UpdateError(`OPENCLAW_INSTALL_BASE must be an http(s) URL, not ${url.protocol}`);
  return base;
}

export function checkVersionShape(version: string, what: string): string {
  const v = version.trim().replace(/^v(?=\d)/, "");
  if (!VERSION_SHAPE.test(v)) throw new UpdateError(`${what} is not a version (e.g. 0.1.0): ${JSON.stringify(version.slice(0, 80))}`);
  return v;
}

/** GET that turns every way of failing into one sentence naming the URL. */
export async function fetchOk(url: string, timeoutMs = METADATA_TIMEOUT_MS): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    const reason = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
    throw new UpdateError(`cannot reach ${url}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpdateError(`${url} answered HTTP ${response.status}${response.status === 404 ? " (not published?)" : ""}`);
  }
  return response;
}

export async function fetchLatestVersion(base: string): Promise<string> {
  const text = await (await fetchOk(`${base}/latest`)).text();
  return checkVersionShape(text.split("\n")[0] ?? "", `${base}/latest`);
}

export function manifestUrl(base: string, version: string): string {
  return `${base}/${version}/manifest.json`;
}

function isArtefact(a: unknown): a is ManifestArtefact {
  const x = a as Record<string, unknown>;
  return typeof x === "object" && x !== null && typeof x.kind === "string" && typeof x.url === "string" && typeof x.file === "string" && typeof x.sha256 === "string" && typeof x.size === "number";
}

export async function fetchManifest(base: string, version: string): Promise<Manifest> {
  const url = manifestUrl(base, version);
  let data: unknown;
  try {
    data = await (await fetchOk(url)).json();
  } catch (error) {
    if (error instanceof UpdateError) throw error;
    throw new UpdateError(`${url} is not JSON: ${(error as Error).message}`);
  }
  const m = data as Partial<Manifest>;
  if (m?.schema !== 1 || m.name !== "openclaw" || typeof m.version !== "string" || !Array.isArray(m.artefacts) || !m.artefacts.every(isArtefact)) {
    throw new UpdateError(`${url} is not an openclaw release manifest (schema 1)`);
  }
  if (m.version !== version) throw new UpdateError(`${url} describes version ${m.version}, not ${version}`);
  return m as Manifest;
}

/** The archive this target installs from, with its URL made absolute. */
export function pickArtefact(manifest: Manifest, target: string, manifestAt: string): ManifestArtefact & { absoluteUrl: string } {
  const artefact = manifest.artefacts.find((a) => a.kind === "archive" && a.target === target);
  if (!artefact) {
    const have = manifest.artefacts.filter((a) => a.kind === "archive" && a.target).map((a) => a.target).join(", ");
    throw new UpdateError(`release ${manifest.version} has no ${target} build (it has: ${have || "none"})`);
  }
  if (!/^[0-9a-f]{64}$/i.test(artefact.sha256) || !Number.isSafeInteger(artefact.size) || artefact.size <= 0) {
    throw new UpdateError(`release ${manifest.version}: the manifest entry for ${artefact.file} has no valid sha256/size`);
  }
  return { ...artefact, absoluteUrl: new URL(artefact.url, manifestAt).href };
}
