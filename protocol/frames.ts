/** The three frame shapes that travel on the WebSocket, plus the error shape inside responses. */
import { t, type Static } from "./schema-builder.ts";

export const ErrorShape = t.object({
  code: t.string({ minLength: 1 }),
  message: t.string(),
  details: t.optional(t.unknown()),
  retryable: t.optional(t.boolean()),
  retryAfterMs: t.optional(t.integer({ minimum: 0 })),
});
export type ErrorShape = Static<typeof ErrorShape>;

export const RequestFrame = t.object({
  type: t.literal("req"),
  id: t.string({ minLength: 1, maxLength: 256 }),
  method: t.string({ minLength: 1, maxLength: 256 }),
  params: t.optional(t.unknown()),
  /** Newer clients attach a W3C trace context; accepted and ignored. */
  traceparent: t.optional(t.string({ maxLength: 128 })),
});
export type RequestFrame = Static<typeof RequestFrame>;

export const ResponseFrame = t.object({
  type: t.literal("res"),
  id: t.string({ minLength: 1 }),
  ok: t.boolean(),
  payload: t.optional(t.unknown()),
  error: t.optional(ErrorShape),
});
export type ResponseFrame = Static<typeof ResponseFrame>;

export const StateVersion = t.object({
  presence: t.integer({ minimum: 0 }),
  health: t.integer({ minimum: 0 }),
});
export type StateVersion = Static<typeof StateVersion>;

export const EventFrame = t.object({
  type: t.literal("event"),
  event: t.string({ minLength: 1 }),
  payload: t.optional(t.unknown()),
  /** Per-connection counter of broadcast events, starting at 1. Targeted events carry none. */
  seq: t.optional(t.integer({ minimum: 0 })),
  stateVersion: t.optional(StateVersion),
});
export type EventFrame = Static<typeof EventFrame>;
