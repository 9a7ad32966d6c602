/**
 * Streams an artefact to a file while hashing it, and refuses it unless both its size and its
 * SHA-256 match the manifest. The file is the caller's (a temp dir next to the binary).
 */
import { open } from "node:fs/promises";
import { fetchOk } from "./manifest.ts";
import { UpdateError } from "./update-error.ts";

/** A 100 MB binary over a slow line still fits; a stalled server does not hang the CLI forever. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

export async function downloadVerified(url: string, dest: string, expected: { sha256: string; size: number }): Promise<void> {
  const response = await fetchOk(url, DOWNLOAD_TIMEOUT_MS);
  const hasher = new Bun.CryptoHasher("sha256");
  const file = await open(dest, "wx", 0o600);
  let received = 0;
  try {
    for await (const chunk of response.body ?? []) {
      received += chunk.byteLength;
      // A server sending more than the manifest promised is cut off, not written to the end.
      if (received > expected.size) throw new UpdateError(`${url} is larger than the ${expected.size} bytes the manifest gives; refused`);
      hasher.update(chunk);
      await file.write(chunk);
    }
    await file.sync();
  } catch (error) {
    if (error instanceof UpdateError) throw error;
    throw new UpdateError(`download of ${url} failed after ${received} bytes: ${(error as Error).message}`);
  } finally {
    await file.close();
  }
  if (received !== expected.size) throw new UpdateError(`${url}: got ${received} bytes, the manifest says ${expected.size}; refused`);
  const actual = hasher.digest("hex");
  if (actual !== expected.sha256.toLowerCase()) {
    throw new UpdateError(`checksum mismatch for ${url}: expected sha256 ${expected.sha256.toLowerCase()}, got ${actual}; refused, nothing changed`);
  }
}
