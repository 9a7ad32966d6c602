/** Reads a JSON request body with a size cap, answering 413/400 in the API error shape. */
import { apiError } from "./responses.ts";

export async function readJsonBody(request: Request, maxBytes: number): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { ok: false, response: apiError(413, "invalid_request_error", `request body exceeds ${maxBytes} bytes`) };
  let text: string;
  try {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) return { ok: false, response: apiError(413, "invalid_request_error", `request body exceeds ${maxBytes} bytes`) };
    text = new TextDecoder().decode(bytes);
  } catch {
    return { ok: false, response: apiError(400, "invalid_request_error", "could not read the request body") };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: apiError(400, "invalid_request_error", "request body is not valid JSON") };
  }
}
