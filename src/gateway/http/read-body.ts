/**
 * The one request-body reader for every HTTP route. It reads `request.body` as a stream and
 * counts bytes as they arrive, so a body without Content-Length (chunked) costs at most
 * `maxBytes` plus one chunk before the 413; buffering it whole first would let one request
 * grow RSS by its full size. A declared Content-Length over the limit is refused unread.
 * Failures come back as ready responses in the API error shape (413 too large, 400 unreadable
 * or not JSON), so routes only forward them.
 */
import { apiError } from "./responses.ts";

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

function tooLarge(maxBytes: number): { ok: false; response: Response } {
  return { ok: false, response: apiError(413, "invalid_request_error", `request body exceeds ${maxBytes} bytes`) };
}

function unreadable(): { ok: false; response: Response } {
  return { ok: false, response: apiError(400, "invalid_request_error", "could not read the request body") };
}

function joinChunks(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The raw body, at most `maxBytes` of it; reading stops (and the stream is cancelled) once it is over. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<BodyResult<Uint8Array>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge(maxBytes);
  const body = request.body;
  if (!body) return { ok: true, value: new Uint8Array(0) };
  // Already read or locked: a programming error, but the client gets a 400, not a 500.
  if (body.locked) return unreadable();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Not awaited: the answer must not wait on a client that keeps the upload open.
        reader.cancel().catch(() => {});
        return tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch {
    reader.releaseLock();
    return unreadable();
  }
  return { ok: true, value: joinChunks(chunks, total) };
}

/** The body as UTF-8 text (invalid sequences become U+FFFD), with the same limit as `readBodyBytes`. */
export async function readTextBody(request: Request, maxBytes: number): Promise<BodyResult<string>> {
  const bytes = await readBodyBytes(request, maxBytes);
  if (!bytes.ok) return bytes;
  return { ok: true, value: new TextDecoder().decode(bytes.value) };
}

/** The body parsed as JSON; an empty or malformed body is a 400. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyResult<unknown>> {
  const text = await readTextBody(request, maxBytes);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) };
  } catch {
    return { ok: false, response: apiError(400, "invalid_request_error", "request body is not valid JSON") };
  }
}
