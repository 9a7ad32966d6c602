/**
 * A payload that is already JSON text. Hot read-only methods (health) return the cached
 * serialisation instead of an object, so a busy client does not pay for JSON.stringify on
 * every call; the connection splices the text into the response as is.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
