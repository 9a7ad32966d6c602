/** `sessions_history` (the reference's name): one session's transcript, through `chat.history`. */
import { t } from "../../../protocol/schema-builder.ts";
import { callMethod, jsonResult } from "./method-call.ts";
import type { Tool } from "./types.ts";

/** Fewer than `chat.history`'s 200: the whole answer goes into the model's context. */
export const SESSIONS_HISTORY_DEFAULT_LIMIT = 50;

const parameters = t.object(
  {
    sessionKey: t.string({ minLength: 1, maxLength: 512, description: "The session to read, e.g. agent:main:main (from sessions_list)." }),
    limit: t.optional(t.integer({ minimum: 1, maximum: 1000, description: `Newest messages to return (default ${SESSIONS_HISTORY_DEFAULT_LIMIT}).` })),
  },
  { additionalProperties: false },
);

export const sessionsHistoryTool: Tool = {
  name: "sessions_history",
  description: "Read the recent messages of a session's transcript.",
  parameters,
  async run(args, ctx) {
    const params = { sessionKey: args.sessionKey, limit: args.limit ?? SESSIONS_HISTORY_DEFAULT_LIMIT };
    return jsonResult(await callMethod(ctx, { method: "chat.history", params }));
  },
};
