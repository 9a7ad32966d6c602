/**
 * Resolving models from config + env: keys (literal, ${ENV}, SecretRef, usual env var), refs
 * split at the first slash, fallbacks and per-agent overrides, limits, and the warnings for
 * unsupported APIs, unknown providers and odd input (which never throws).
 */
import { describe, expect, test } from "bun:test";
import { createModelClient } from "../../src/agent/model/create-model-client.ts";
import { NO_MODEL_MESSAGE, resolveModels } from "../../src/agent/model/resolve-models.ts";
import { ProviderError } from "../../src/agent/model/types.ts";
import { drain } from "../fakes/sse.ts";

const config = (agents: unknown, providers?: unknown, extra: Record<string, unknown> = {}) => ({ agents, ...(providers === undefined ? {} : { models: { providers } }), ...extra });
const refs = (models: { ref: string }[]) => models.map((m) => m.ref);

describe("keys", () => {
  test("a literal apiKey on a well-known provider, with its default URL and api", () => {
    const [model] = resolveModels(config({ defaults: { model: "openai/gpt-4o-mini" } }, { openai: { apiKey: "sk-literal" } }), {}).modelsFor();
    expect(model).toMatchObject({
      ref: "openai/gpt-4o-mini",
      provider: "openai",
      modelId: "gpt-4o-mini",
      api: "openai-completions",
      baseUrl: "https://api.openai.com/v1",
      apiKey: "sk-literal",
      contextWindow: 200_000,
      maxTokens: 8192,
    });
    expect(model!.supported).toBeUndefined();
  });

  test("${ENV_VAR} substitution, and a SecretRef to an env var", () => {
    const resolved = resolveModels(
      config({ defaults: { model: { primary: "openai/gpt-4o", fallbacks: ["anthropic/claude-sonnet-4-5"] } } }, { openai: { apiKey: "${MY_OPENAI}" }, anthropic: { apiKey: { source: "env", provider: "default", id: "MY_ANTHROPIC" } } }),
      { MY_OPENAI: "sk-from-env", MY_ANTHROPIC: "sk-ant-from-env" },
    );
    expect(resolved.modelsFor().map((m) => m.apiKey)).toEqual(["sk-from-env", "sk-ant-from-env"]);
    expect(resolved.warnings).toEqual([]);
  });

  test("a ${VAR} that is not set: no key, a warning naming the variable, and the model marked unusable", () => {
    const resolved = resolveModels(config({ defaults: { model: "openai/gpt-4o" } }, { openai: { apiKey: "${MISSING_KEY}" } }), {});
    const [model] = resolved.modelsFor();
    expect(model!.apiKey).toBeNull();
    expect(model!.supported).toBe(false);
    expect(model!.unsupportedReason).toBe('provider "openai" has no API key: set OPENAI_API_KEY or models.providers.openai.apiKey');
    expect(resolved.warnings).toContain("models.providers.openai.apiKey refers to ${MISSING_KEY}, which is not set");
  });

  test("well-known providers need only their env var; the config's env.vars fill in", () => {
    const resolved = resolveModels(
      config({ defaults: { model: { primary: "anthropic/claude-sonnet-4-5", fallbacks: ["openrouter/anthropic/claude-sonnet-4-5", "xai/grok-4", "groq/llama-3.3-70b"] } } }, undefined, {
        env: { vars: { XAI_API_KEY: "xai-from-config" } },
      }),
      { ANTHROPIC_API_KEY: "sk-ant-env", OPENROUTER_API_KEY: "sk-or-env", GROQ_API_KEY: "gsk-env", XAI_API_KEY: "" },
    );
    expect(resolved.modelsFor().map((m) => [m.provider, m.modelId, m.api, m.baseUrl, m.apiKey])).toEqual([
      ["anthropic", "claude-sonnet-4-5", "anthropic-messages", "https://api.anthropic.com", "sk-ant-env"],
      ["openrouter", "anthropic/claude-sonnet-4-5", "openai-completions", "https://openrouter.ai/api/v1", "sk-or-env"],
      ["xai", "grok-4", "openai-completions", "https://api.x.ai/v1", "xai-from-config"],
      ["groq", "llama-3.3-70b", "openai-completions", "https://api.groq.com/openai/v1", "gsk-env"],
    ]);
    expect(resolved.warnings).toEqual([]);
  });
});

describe("model selection", () => {
  test("refs split at the first slash; fallbacks follow the primary; duplicates are dropped", () => {
    const resolved = resolveModels(
      config({ defaults: { model: { primary: "openrouter/meta/llama/3", fallbacks: ["openai/gpt-4o", "openrouter/meta/llama/3"] } } }),
      { OPENROUTER_API_KEY: "k", OPENAI_API_KEY: "k" },
    );
    const models = resolved.modelsFor();
    expect(refs(models)).toEqual(["openrouter/meta/llama/3", "openai/gpt-4o"]);
    expect(models[0]).toMatchObject({ provider: "openrouter", modelId: "meta/llama/3" });
  });

  test("agents.list: a string replaces the primary only, an object's fallbacks replace the defaults', [] turns them off", () => {
    const resolved = resolveModels(
      config({
        defaults: { model: { primary: "openai/gpt-4o", fallbacks: ["anthropic/claude-haiku-4-5"] } },
        list: [{ id: "Work", model: "anthropic/claude-opus-4-1" }, { id: "solo", default: true, model: { primary: "openai/gpt-4o-mini", fallbacks: [] } }, { id: "plain" }],
      }),
      { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k" },
    );
    expect(resolved.defaultAgentId).toBe("solo");
    expect(refs(resolved.modelsFor("work"))).toEqual(["anthropic/claude-opus-4-1", "anthropic/claude-haiku-4-5"]);
    expect(refs(resolved.modelsFor("WORK"))).toEqual(["anthropic/claude-opus-4-1", "anthropic/claude-haiku-4-5"]);
    expect(refs(resolved.modelsFor())).toEqual(["openai/gpt-4o-mini"]);
    expect(refs(resolved.modelsFor("plain"))).toEqual(["openai/gpt-4o", "anthropic/claude-haiku-4-5"]);
    expect(refs(resolved.modelsFor("nobody"))).toEqual(["openai/gpt-4o", "anthropic/claude-haiku-4-5"]);
  });

  test("without agents.list the default agent is main; nothing configured means no models and the honest message", () => {
    const resolved = resolveModels({}, { OPENAI_API_KEY: "k" });
    expect(resolved.defaultAgentId).toBe("main");
    expect(resolved.modelsFor("main")).toEqual([]);
    expect(NO_MODEL_MESSAGE).toContain("agents.defaults.model");
    expect(NO_MODEL_MESSAGE).toContain("OPENAI_API_KEY");
  });

  test("a bare id resolves through an alias or the one provider that lists it", () => {
    const resolved = resolveModels(
      config(
        { defaults: { model: { primary: "fast", fallbacks: ["qwen3-8b", "nowhere"] }, models: { "openai/gpt-4o-mini": { alias: "fast" } } } },
        { local: { baseUrl: "http://127.0.0.1:8080/v1", models: [{ id: "qwen3-8b" }] } },
      ),
      { OPENAI_API_KEY: "k" },
    );
    expect(refs(resolved.modelsFor())).toEqual(["openai/gpt-4o-mini", "local/qwen3-8b"]);
    expect(resolved.warnings).toEqual(['model "nowhere" is not "provider/model" and matches no alias or configured model; ignoring it']);
  });
});

describe("custom providers and limits", () => {
  test("a custom provider with a baseUrl speaks openai-completions; limits come from models[]; loopback streams usage", () => {
    const resolved = resolveModels(
      config(
        { defaults: { model: { primary: "llama/qwen3", fallbacks: ["remote/big", "remote/other"] } } },
        {
          llama: { baseUrl: "http://127.0.0.1:8080/v1/", apiKey: "any", models: [{ id: "qwen3", contextWindow: 32768, maxTokens: 4096 }] },
          remote: { baseUrl: "https://llm.example.com/v1", headers: { "X-Team": "${TEAM}" }, models: [{ id: "other", compat: { supportsUsageInStreaming: true } }] },
        },
      ),
      { TEAM: "blue" },
    );
    const [llama, big, other] = resolved.modelsFor();
    expect(llama).toMatchObject({ api: "openai-completions", baseUrl: "http://127.0.0.1:8080/v1", contextWindow: 32768, maxTokens: 4096, usageInStreaming: true });
    expect(big).toMatchObject({ api: "openai-completions", apiKey: null, headers: { "X-Team": "blue" }, contextWindow: 200_000, maxTokens: 8192, usageInStreaming: false });
    expect(big!.supported).toBeUndefined();
    expect(other!.usageInStreaming).toBe(true);
    expect(resolved.warnings).toEqual([]);
  });

  test("openai sends max_completion_tokens; compat.maxTokensField overrides; others send max_tokens", () => {
    const resolved = resolveModels(
      config({ defaults: { model: { primary: "openai/gpt-5", fallbacks: ["local/a", "local/b"] } } }, {
        local: { baseUrl: "http://localhost:1234/v1", models: [{ id: "a", compat: { maxTokensField: "max_completion_tokens" } }] },
      }),
      { OPENAI_API_KEY: "k" },
    );
    expect(resolved.modelsFor().map((m) => m.maxTokensField)).toEqual(["max_completion_tokens", "max_completion_tokens", undefined]);
  });
});

describe("warnings", () => {
  test("an unsupported api names the provider and the supported values; the model is still returned, marked", async () => {
    const resolved = resolveModels(
      config({ defaults: { model: { primary: "vertex/gemini-2.5-pro", fallbacks: ["openai/gpt-4o"] } } }, { vertex: { baseUrl: "https://vertex.example.com", api: "google-vertex" } }),
      { OPENAI_API_KEY: "k" },
    );
    const expected = 'provider "vertex" uses api "google-vertex", which this gateway does not support (supported: openai-completions, openai-responses, anthropic-messages); set models.providers.vertex.api';
    expect(resolved.warnings).toEqual([expected]);
    const [vertex, openai] = resolved.modelsFor();
    expect(vertex).toMatchObject({ ref: "vertex/gemini-2.5-pro", api: "google-vertex", supported: false, unsupportedReason: expected });
    expect(openai!.supported).toBeUndefined();

    const { events, error } = await drain(createModelClient(vertex!).stream({ model: "gemini-2.5-pro", system: "", messages: [], tools: [], maxTokens: 1, signal: new AbortController().signal }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ message: expected, retryable: true });
  });

  test("an unsupported api is reported even when no model uses the provider", () => {
    expect(resolveModels(config({}, { bedrock: { baseUrl: "https://x.example.com", api: "bedrock-converse-stream" } }), {}).warnings).toHaveLength(1);
  });

  test("an unknown provider is warned about and returned unusable", () => {
    const resolved = resolveModels(config({ defaults: { model: "mystery/m1" } }), {});
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]).toStartWith('model "mystery/m1": unknown provider "mystery": add models.providers.mystery (baseUrl, api, apiKey) or use one of openai, anthropic, openrouter');
    expect(resolved.modelsFor()[0]).toMatchObject({ ref: "mystery/m1", supported: false, unsupportedReason: resolved.warnings[0] });
  });

  test("odd input never throws: each problem becomes a warning", () => {
    const odd = [
      null,
      42,
      { agents: { defaults: { model: 42 } }, models: { providers: [] } },
      { agents: { defaults: { model: { primary: 7, fallbacks: "openai/x" } }, list: "nope" }, models: "x" },
      { agents: { defaults: { model: "openai/gpt-4o" }, list: [null, { id: 3 }, { id: "a", model: [] }] }, models: { providers: { openai: { apiKey: 5, baseUrl: "ftp://x", models: [{}, "x", { id: "gpt-4o", maxTokens: -1 }] }, __proto__: { api: "x" }, weird: "string" } } },
      { agents: { defaults: { model: "/" } } },
    ];
    for (const input of odd) {
      const resolved = resolveModels(input, { OPENAI_API_KEY: "k" });
      expect(() => resolved.modelsFor("a")).not.toThrow();
    }
    const last = resolveModels(odd[4], { OPENAI_API_KEY: "k" });
    expect(last.warnings.length).toBeGreaterThanOrEqual(6);
    expect(last.modelsFor()[0]).toMatchObject({ baseUrl: "https://api.openai.com/v1", apiKey: "k", maxTokens: 8192 });
  });

  test("warnings never contain a key", () => {
    const key = "sk-very-secret-key-123456";
    const resolved = resolveModels(
      config({ defaults: { model: "weird/m" } }, { weird: { baseUrl: "https://x.example.com", apiKey: key, api: "pi-messages" } }),
      {},
    );
    expect(resolved.warnings.length).toBeGreaterThan(0);
    for (const warning of resolved.warnings) expect(warning).not.toContain(key);
  });
});
