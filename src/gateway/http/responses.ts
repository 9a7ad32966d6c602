/** JSON responses with the headers every gateway response carries. */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...SECURITY_HEADERS, ...headers },
  });
}

/** OpenAI-style error body, used by every HTTP API route. */
export function apiError(status: number, type: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { message, type } }, headers);
}

export function notFound(): Response {
  return apiError(404, "not_found", "Not Found");
}

export function methodNotAllowed(allow: string): Response {
  return apiError(405, "method_not_allowed", "Method Not Allowed", { Allow: allow });
}
