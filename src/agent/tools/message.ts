/**
 * `message` (the reference's name): sends a message to someone through a channel, via the
 * gateway's `send` method (outbox, idempotency, NOT_LINKED and platform refusals included); a
 * refusal comes back in the gateway's words, so it never reports a send that did not happen.
 */
import { t } from "../../../protocol/schema-builder.ts";
import type { RpcError } from "../../gateway/rpc/rpc-error.ts";
import { callMethod } from "./method-call.ts";
import type { Tool } from "./types.ts";

const parameters = t.object(
  {
    channel: t.optional(t.string({ minLength: 1, maxLength: 64, description: "telegram, whatsapp, …; default: the gateway's default channel." })),
    to: t.string({ minLength: 1, maxLength: 256, description: "Recipient on that channel (chat id, E.164 number, …)." }),
    message: t.string({ minLength: 1, maxLength: 20_000, description: "The text to send." }),
  },
  { additionalProperties: false },
);

const explain = (error: RpcError) => `Not sent: ${error.message}`;

export const messageTool: Tool = {
  name: "message",
  description: "Send a text message to a recipient through a linked messaging channel.",
  parameters,
  async run(args, ctx) {
    const channel = args.channel as string | undefined;
    const params = {
      to: args.to,
      message: args.message,
      ...(channel ? { channel } : {}),
      sessionKey: ctx.sessionKey,
      // The same tool call retried (a restart mid-run) must not send twice.
      idempotencyKey: `${ctx.runId}:${ctx.toolCallId}`,
    };
    const sent = (await callMethod(ctx, { method: "send", params, explain })) as { messageId?: unknown; channel?: unknown } | null;
    const via = typeof sent?.channel === "string" ? sent.channel : (channel ?? "the default channel");
    const id = typeof sent?.messageId === "string" ? ` (message id ${sent.messageId})` : "";
    return { content: `Sent to ${String(args.to)} via ${via}${id}.`, details: sent };
  },
};
