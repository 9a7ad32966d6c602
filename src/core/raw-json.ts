/**
 * A payload that is already JSON text. Hot read-only methods (health) return the cached
 * serialisation instead of an object, so a busy client does not pay for JSON.stringify on
 * every call; the connection splices the text into the response as is. `T` is the type the
 * text decodes to, so a handler returning RawJson is still checked against its method's result.
 */
export class RawJson<T = unknown> {
  declare readonly decodesTo?: T;
  constructor(readonly text: string) {}
}
