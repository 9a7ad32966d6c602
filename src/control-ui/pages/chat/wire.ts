/**
 * The wire shapes the chat and sessions pages read, from the protocol's own schemas (type-only:
 * nothing from protocol/ is bundled). `GatewayClient.call`'s inferred result is `unknown` in the
 * browser project, so the pages name the result type explicitly with `request<T>`.
 */
import type { Static } from "../../../../protocol/schema-builder.ts";
import type { AgentsListResult as AgentsListSchema } from "../../../../protocol/methods/agent.ts";
import type { ChatAbortResult as ChatAbortSchema, ChatHistoryResult as ChatHistorySchema, ChatSendResult as ChatSendSchema } from "../../../../protocol/methods/chat.ts";
import type { SessionsListParams, SessionsListResult } from "../../../../protocol/methods/sessions.ts";

export type AgentsListResult = Static<typeof AgentsListSchema>;
export type ChatHistoryResult = Static<typeof ChatHistorySchema>;
export type ChatSendResult = Static<typeof ChatSendSchema>;
export type ChatAbortResult = Static<typeof ChatAbortSchema>;
export type { SessionsListParams, SessionsListResult };
