/**
 * The control UI's routes (protocol.md §8.5): the page at `<base>/`, its bundled files under
 * `<base>/assets/`, and `<base>/__openclaw/control-ui-config.json`. This file is loaded at start
 * and stays small; the bundle and its server code load on the first request, so a gateway
 * nobody opens the UI of pays nothing for it.
 */
import type { OpenClawConfig } from "../../../../protocol/config-schema.ts";
import type { HttpRoute, RequestContext } from "../route.ts";
import { controlUiSettings } from "./settings.ts";

const GET = ["GET", "HEAD"] as const;
type Assets = typeof import("./assets.ts");
let assets: Promise<Assets> | null = null;
const load = () => (assets ??= import("./assets.ts"));

export function controlUiRoutes(config: Readonly<OpenClawConfig>): readonly HttpRoute[] {
  const { enabled, basePath } = controlUiSettings(config);
  if (!enabled) return [];
  const serve = (pick: (a: Assets, request: Request, ctx: RequestContext) => Promise<Response> | Response) => async (request: Request, ctx: RequestContext) => {
    const response = await pick(await load(), request, ctx);
    return request.method === "HEAD" ? new Response(null, { status: response.status, headers: response.headers }) : response;
  };
  const routes: HttpRoute[] = [
    { path: `${basePath}/`, methods: GET, handler: serve((a) => a.serveIndex(basePath)) },
    { path: `${basePath}/assets/*`, methods: GET, handler: serve((a, request, ctx) => a.serveAsset(basePath, ctx.url.pathname, request.headers.get("if-none-match"))) },
    { path: `${basePath}/__openclaw/control-ui-config.json`, methods: GET, handler: serve((a, _r, ctx) => a.serveUiConfig(basePath, ctx.services)) },
  ];
  // `/openclaw` without the slash: relative asset URLs need the directory form.
  if (basePath) routes.push({ path: basePath, methods: GET, handler: () => new Response(null, { status: 308, headers: { Location: `${basePath}/` } }) });
  return routes;
}
