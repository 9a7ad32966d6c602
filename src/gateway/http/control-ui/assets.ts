/**
 * Serves the control UI bundle. `import page from "…/index.html"` is Bun's HTML import: in the
 * compiled binary `bun build --compile` has already bundled and embedded the page, and
 * `page.files` lists the embedded files; run from source, the page is bundled here with
 * `Bun.build` on the first request. Either way we serve the files ourselves rather than handing
 * `page` to `Bun.serve` as a route value, because that serves them at root-absolute URLs
 * (breaking `basePath`) without our security headers.
 */
import { basename } from "node:path";
import page from "../../../control-ui/index.html";
import type { GatewayServices } from "../../services.ts";
import { notFound } from "../responses.ts";
import { CONTROL_UI_HEADERS } from "./headers.ts";

interface Asset {
  body: Blob;
  type: string;
  etag: string;
}

interface Bundle {
  /** The page with its asset URLs still relative (`./name` or `/name`). */
  html: string;
  assets: Map<string, Asset>;
}

let bundling: Promise<Bundle> | null = null;

async function fromCompiledBinary(files: NonNullable<typeof page.files>): Promise<Bundle> {
  const assets = new Map<string, Asset>();
  let html = "";
  for (const file of files) {
    if (file.loader === "html") html = await Bun.file(file.path).text();
    else assets.set(basename(file.path), { body: Bun.file(file.path), type: file.headers["content-type"], etag: `"${file.headers.etag}"` });
  }
  return { html, assets };
}

async function fromSource(): Promise<Bundle> {
  let result: Bun.BuildOutput;
  try {
    // Split like the compiled binary's build, so pages load on first visit in both.
    result = await Bun.build({ entrypoints: [page.index], target: "browser", minify: true, splitting: true, sourcemap: "none" });
  } catch (error) {
    // Bun throws an AggregateError whose message says only "Bundle failed"; the causes are in `errors`.
    const causes = error instanceof AggregateError ? error.errors.map(String).join("; ") : String(error);
    throw new Error(`bundling the control UI failed: ${causes}`);
  }
  if (!result.success) throw new Error(`bundling the control UI failed: ${result.logs.map(String).join("; ")}`);
  const assets = new Map<string, Asset>();
  let html = "";
  for (const output of result.outputs) {
    if (output.type.startsWith("text/html")) html = await output.text();
    else assets.set(basename(output.path), { body: output, type: output.type, etag: `"${output.hash ?? Bun.hash(await output.arrayBuffer()).toString(36)}"` });
  }
  return { html, assets };
}

function bundle(): Promise<Bundle> {
  bundling ??= (page.files?.length ? fromCompiledBinary(page.files) : fromSource()).catch((error) => {
    bundling = null;
    throw error;
  });
  return bundling;
}

/** Points the page's asset references at `<base>/assets/`. */
export function rewriteAssetUrls(html: string, basePath: string): string {
  return html.replace(/\b(src|href)="(?:\.\/|\/)([A-Za-z0-9._-]+\.(?:js|css|svg|png|woff2?))"/g, (_m, attr: string, name: string) => `${attr}="${basePath}/assets/${name}"`);
}

/**
 * The compiled binary's bundle is split: the entry imports shared chunks by root-absolute path
 * (`from"/chunk-….js"`), which must point under `<base>/assets/` too.
 */
export function rewriteChunkImports(js: string, basePath: string): string {
  return js.replace(/(["'])(?:\.\/|\/)(chunk-[A-Za-z0-9_-]+\.(?:js|css))\1/g, (_m, quote: string, name: string) => `${quote}${basePath}/assets/${name}${quote}`);
}

const indexCache = new Map<string, string>();
const scriptCache = new Map<string, Asset>();

/**
 * Pages load their script on first visit, but the bundler does not load the CSS of a chunk
 * imported later; so the page links every stylesheet up front (they are small).
 */
export function linkAllStyles(html: string, assets: ReadonlyMap<string, Asset>, basePath: string): string {
  const links = [...assets]
    .filter(([name, asset]) => asset.type.startsWith("text/css") && !html.includes(`/${name}"`))
    .map(([name]) => `<link rel="stylesheet" crossorigin href="${basePath}/assets/${name}">`)
    .join("");
  return html.replace("</head>", `${links}</head>`);
}

export async function serveIndex(basePath: string): Promise<Response> {
  const { html, assets } = await bundle();
  let body = indexCache.get(basePath);
  // The page has no <pre> or inline script, so whitespace between tags carries nothing.
  if (body === undefined) indexCache.set(basePath, (body = linkAllStyles(rewriteAssetUrls(html, basePath), assets, basePath).replace(/>\s+</g, "><").trim()));
  return new Response(body, { headers: { ...CONTROL_UI_HEADERS, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" } });
}

async function assetFor(basePath: string, name: string): Promise<Asset | undefined> {
  const asset = (await bundle()).assets.get(name);
  if (!asset || !asset.type.includes("javascript")) return asset;
  const key = `${basePath}\0${name}`;
  let script = scriptCache.get(key);
  if (!script) scriptCache.set(key, (script = { ...asset, body: new Blob([rewriteChunkImports(await asset.body.text(), basePath)]) }));
  return script;
}

export async function serveAsset(basePath: string, pathname: string, ifNoneMatch?: string | null): Promise<Response> {
  const name = pathname.slice(`${basePath}/assets/`.length);
  const asset = await assetFor(basePath, name);
  if (!asset) return notFound();
  const headers = { ...CONTROL_UI_HEADERS, "Content-Type": asset.type, ETag: asset.etag, "Cache-Control": "public, max-age=31536000, immutable" };
  if (ifNoneMatch === asset.etag) return new Response(null, { status: 304, headers });
  return new Response(asset.body, { headers });
}

/** What the reference serves before the page connects (protocol.md §8.5). */
export function serveUiConfig(basePath: string, services: GatewayServices): Response {
  const settings = services.agent.settings();
  const agent = settings.agents.find((a) => a.id === settings.defaultAgentId);
  const name = agent?.identity.name ?? agent?.name ?? "Assistant";
  // Only short text avatars (an emoji, initials) and data: images; pictures by path need the avatar route.
  const avatarCandidates = [agent?.identity.avatar, agent?.identity.emoji].filter((v): v is string => !!v);
  const avatar = avatarCandidates.find((v) => v.startsWith("data:image/") || (!/\s/.test(v) && [...v].length <= 4)) ?? "A";
  const body = { basePath, assistantName: name, assistantAvatar: avatar, assistantAgentId: settings.defaultAgentId };
  return new Response(JSON.stringify(body), { headers: { ...CONTROL_UI_HEADERS, "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" } });
}
