/**
 * Providers that work with just their env var and no `models.providers` entry
 * (channels-and-models.md §4.1–4.2). A `models.providers.<id>` entry overrides any field.
 */

/** The wire formats a client exists for; any other `api` value resolves to an unsupported model. */
export const SUPPORTED_APIS = ["openai-completions", "openai-responses", "anthropic-messages"] as const;
export type SupportedApi = (typeof SUPPORTED_APIS)[number];

export function isSupportedApi(api: string): api is SupportedApi {
  return (SUPPORTED_APIS as readonly string[]).includes(api);
}

export interface KnownProvider {
  /** Absent when the provider's endpoint varies by account or region: the config must name it. */
  baseUrl?: string;
  api: string;
  /** The env var read when the config gives no `apiKey`. */
  envVar?: string;
  /** Whether a call without a key can only end in 401 (so the model is unusable without one). */
  requiresKey: boolean;
  /** The provider honours `stream_options.include_usage` (remote servers are not assumed to). */
  usageInStreaming?: boolean;
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

const KNOWN: Record<string, KnownProvider> = {
  openai: { baseUrl: "https://api.openai.com/v1", api: "openai-completions", envVar: "OPENAI_API_KEY", requiresKey: true, usageInStreaming: true, maxTokensField: "max_completion_tokens" },
  anthropic: { baseUrl: "https://api.anthropic.com", api: "anthropic-messages", envVar: "ANTHROPIC_API_KEY", requiresKey: true },
  openrouter: { baseUrl: "https://openrouter.ai/api/v1", api: "openai-completions", envVar: "OPENROUTER_API_KEY", requiresKey: true, usageInStreaming: true },
  xai: { baseUrl: "https://api.x.ai/v1", api: "openai-completions", envVar: "XAI_API_KEY", requiresKey: true },
  groq: { baseUrl: "https://api.groq.com/openai/v1", api: "openai-completions", envVar: "GROQ_API_KEY", requiresKey: true },
  mistral: { baseUrl: "https://api.mistral.ai/v1", api: "openai-completions", envVar: "MISTRAL_API_KEY", requiresKey: true },
  cerebras: { baseUrl: "https://api.cerebras.ai/v1", api: "openai-completions", envVar: "CEREBRAS_API_KEY", requiresKey: true },
  // Listed for their env var; their endpoints differ between plans and regions, so the config names the base URL.
  zai: { api: "openai-completions", envVar: "ZAI_API_KEY", requiresKey: true },
  moonshot: { api: "openai-completions", envVar: "MOONSHOT_API_KEY", requiresKey: true },
  minimax: { api: "openai-completions", envVar: "MINIMAX_API_KEY", requiresKey: true },
  opencode: { api: "openai-completions", envVar: "OPENCODE_API_KEY", requiresKey: true },
  "vercel-ai-gateway": { api: "openai-completions", envVar: "AI_GATEWAY_API_KEY", requiresKey: true },
  // Its own wire format, which no client speaks yet: resolves to an unsupported model with a warning.
  google: { baseUrl: "https://generativelanguage.googleapis.com/v1beta", api: "google-generative-ai", envVar: "GEMINI_API_KEY", requiresKey: true },
  // Local; OLLAMA_API_KEY may hold any value and is only sent when set.
  ollama: { baseUrl: "http://127.0.0.1:11434/v1", api: "openai-completions", envVar: "OLLAMA_API_KEY", requiresKey: false },
};

export function knownProvider(id: string): KnownProvider | undefined {
  return Object.hasOwn(KNOWN, id) ? KNOWN[id] : undefined;
}

export function knownProviderIds(): string[] {
  return Object.keys(KNOWN);
}
