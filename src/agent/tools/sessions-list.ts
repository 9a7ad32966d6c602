/** `sessions_list` (the reference's name): the gateway's sessions, through `sessions.list`. */
import { t } from "../../../protocol/schema-builder.ts";
import { callMethod, jsonResult } from "./method-call.ts";
import type { Tool } from "./types.ts";

const parameters = t.object(
  {
    limit: t.optional(t.integer({ minimum: 1, maximum: 200, description: "Most sessions to return (newest first)." })),
    activeMinutes: t.optional(t.integer({ minimum: 1, description: "Only sessions active in the last N minutes." })),
  },
  { additionalProperties: false },
);

export const sessionsListTool: Tool = {
  name: "sessions_list",
  description: "List the gateway's conversation sessions (key, agent, last activity), newest first.",
  parameters,
  async run(args, ctx) {
    // Only what the model set: the method applies its own defaults.
    const params = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
    return jsonResult(await callMethod(ctx, { method: "sessions.list", params }));
  },
};
