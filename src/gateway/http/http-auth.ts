/**
 * Bearer authentication for the HTTP APIs. Credentials travel only in the Authorization
 * header: a secret in the query string is refused outright (it would end up in proxy logs,
 * browser history and Referer headers).
 */
import type { ResolvedAuth } from "../../config/load.ts";
import { bearerMatches } from "../auth/shared-secret.ts";
import { apiError } from "./responses.ts";

const QUERY_SECRETS = ["token", "password", "access_token", "key"];

/** null when the request may proceed, else the response to send. */
export function requireBearer(request: Request, url: URL, auth: ResolvedAuth): Response | null {
  if (QUERY_SECRETS.some((name) => url.searchParams.has(name))) {
    return apiError(400, "invalid_request_error", "credentials in the URL are not accepted; send Authorization: Bearer <token>");
  }
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!bearerMatches(auth, match?.[1]?.trim() ?? null)) return apiError(401, "unauthorized", "Unauthorized");
  return null;
}
