/**
 * The one entry point the runtime uses: a ModelClient for a resolved model, by its wire format.
 * A model that cannot be called (unsupported api, unknown provider, no key) still gets a client,
 * whose stream fails with the resolver's reason, so the runtime handles it like any failed model.
 */
import { anthropicMessagesClient } from "./anthropic-messages.ts";
import { isSupportedApi, SUPPORTED_APIS } from "./known-providers.ts";
import { openAICompletionsClient } from "./openai-completions.ts";
import { openAIResponsesClient } from "./openai-responses.ts";
import { ProviderError, type ModelClient, type ModelClientOptions, type ResolvedModel } from "./types.ts";

export function createModelClient(model: ResolvedModel, options: ModelClientOptions = {}): ModelClient {
  const reason =
    model.supported === false
      ? (model.unsupportedReason ?? `model "${model.ref}" cannot be called as configured`)
      : !isSupportedApi(model.api)
        ? `model "${model.ref}" uses api "${model.api}", which this gateway does not support (supported: ${SUPPORTED_APIS.join(", ")})`
        : null;
  if (reason !== null) return failingClient(reason);
  switch (model.api) {
    case "openai-completions":
      return openAICompletionsClient(model, options);
    case "openai-responses":
      return openAIResponsesClient(model, options);
    default:
      return anthropicMessagesClient(model, options);
  }
}

/**
 * Retryable: the problem is this model's configuration, so the next fallback may well work.
 * Kind "protocol": this gateway cannot speak to the model at all.
 */
function failingClient(reason: string): ModelClient {
  return {
    // A generator, so it fails on the first pull like a real client, not when stream() is called.
    async *stream() {
      throw new ProviderError(reason, { kind: "protocol", retryable: true });
    },
  };
}
