/**
 * Hooks (`<hooks.path>/*`, protocol.md §8.4): webhooks from outside that wake the gateway or
 * start an agent run. Off unless `hooks.enabled: true`; then they answer only with a
 * `hooks.token` of their own, sent as `Authorization: Bearer <t>` or `X-OpenClaw-Token: <t>`.
 * A token in the query string is refused outright (it would end up in proxy logs), and wrong
 * tokens count toward the same per-address lockout as the gateway's own secret.
 *
 * Enabled hooks that cannot be served safely (no token, the gateway's token reused, an unusable
 * path) answer 404 as disabled ones do, and the reason is logged once per reason. The route
 * table is built when the gateway starts, so a changed `hooks.path` takes a restart (the reload
 * rules ask for one); until then the old path answers 404 and says so in the log.
 */
import type { Logger } from "../../log/logger.ts";
import { secretsEqual } from "../../core/pairing/tokens.ts";
import { agent, wake } from "./hooks/actions.ts";
import { hooksProblem, hooksSettings } from "./hooks/settings.ts";
import { readJsonBody } from "./read-body.ts";
import { json, methodNotAllowed, notFound, SECURITY_HEADERS } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

// Every method reaches the handler: disabled hooks are 404 whatever the method, enabled ones 405.
const ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...SECURITY_HEADERS, ...headers } });
}

function presentedToken(headers: Headers): string | null {
  const bearer = /^Bearer\s+(.+)$/i.exec((headers.get("authorization") ?? "").trim())?.[1]?.trim();
  // A non-empty bearer wins, as in the reference.
  return bearer || headers.get("x-openclaw-token")?.trim() || null;
}

/** null when the request carries the hook token, else the response to send. */
function authenticate(request: Request, ctx: RequestContext, token: string): Response | null {
  if (ctx.url.searchParams.has("token")) {
    return plain(400, "hook tokens are not accepted in the URL; send Authorization: Bearer <token> or X-OpenClaw-Token: <token>");
  }
  const limiter = ctx.services.authRateLimit;
  const lockout = limiter.check(ctx.peer);
  if (!lockout.ok) {
    return plain(429, "Too Many Requests", { "Retry-After": String(Math.max(1, Math.ceil(lockout.retryAfterMs / 1000))) });
  }
  const presented = presentedToken(request.headers);
  if (presented && secretsEqual(presented, token)) {
    limiter.recordSuccess(ctx.peer);
    return null;
  }
  // A missing header is a misconfigured sender, not a guess.
  if (presented) limiter.recordFailure(ctx.peer);
  return plain(401, "Unauthorized");
}

/** The routes for hooks under `basePath` (`hooks.path` when the gateway started). */
export function hookRoutes(basePath: string): readonly HttpRoute[] {
  let loggedProblem: string | null = null;
  const warnOnce = (log: Logger, problem: string | null) => {
    if (problem !== null && problem !== loggedProblem) log.withTag("hooks").warn(`hooks are not served: ${problem}`);
    loggedProblem = problem;
  };

  async function handle(request: Request, ctx: RequestContext): Promise<Response> {
    const { services } = ctx;
    const settings = hooksSettings(services.options.config);
    if (!settings.enabled) return notFound();
    const problem = hooksProblem(settings, services.auth.current, basePath);
    warnOnce(services.log, problem);
    if (problem !== null || !settings.token) return notFound();
    if (request.method !== "POST") return methodNotAllowed("POST");
    const denied = authenticate(request, ctx, settings.token);
    if (denied) return denied;
    const action = ctx.url.pathname.slice(basePath.length + 1);
    if (action !== "wake" && action !== "agent") return notFound();
    const body = await readJsonBody(request, settings.maxBodyBytes);
    if (!body.ok) {
      // Same statuses as every route (413, 400), in the hooks' own error shape.
      const { error } = (await body.response.json()) as { error: { message: string } };
      return json(body.response.status, { ok: false, error: error.message });
    }
    const payload = body.value;
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return json(400, { ok: false, error: "body must be a JSON object" });
    return action === "wake" ? wake(payload as Record<string, unknown>, services) : agent(payload as Record<string, unknown>, services);
  }

  return [{ path: `${basePath}/*`, methods: ANY_METHOD, handler: handle }];
}
