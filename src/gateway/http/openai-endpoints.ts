/**
 * The OpenAI-compatible surface (protocol.md §8.1, §8.2): `/v1/chat/completions`,
 * `/v1/responses` and the `/v1/models` listing, each 404 while its endpoint is disabled.
 * The handlers live in `openai/`.
 */
import { chatCompletions } from "./openai/chat-completions.ts";
import { getModel, listModels } from "./openai/models.ts";
import { responses } from "./openai/openresponses.ts";
import type { HttpRoute } from "./route.ts";

export const openAiRoutes: readonly HttpRoute[] = [
  { path: "/v1/chat/completions", methods: ["POST"], handler: chatCompletions },
  { path: "/v1/responses", methods: ["POST"], handler: responses },
  { path: "/v1/models", methods: ["GET"], handler: listModels },
  { path: "/v1/models/*", methods: ["GET"], handler: getModel },
];
