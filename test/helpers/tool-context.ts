/**
 * A ToolContext for tool tests: `call` goes through a real gateway's `services.call` as an
 * operator with the given scopes (the agent runtime's caller has read and write), and every
 * call is recorded so a test can see exactly what a tool asked the gateway.
 */
import { tmpdir } from "node:os";
import type { ToolContext } from "../../src/agent/tools/types.ts";
import type { Caller } from "../../src/gateway/rpc/caller.ts";
import type { TestGateway } from "./gateway.ts";

export function operatorCaller(scopes: string[] = ["operator.read", "operator.write"]): Caller {
  return {
    connId: "tool-test",
    remoteAddress: "127.0.0.1",
    isLocal: true,
    session: {
      protocol: 4,
      role: "operator",
      scopes,
      client: { id: "tool-test", version: "1", platform: process.platform, mode: "backend" },
      deviceId: null,
      authMethod: "none",
      caps: [],
      presenceKey: null,
      node: null,
    },
  };
}

export interface ToolTestContext extends ToolContext {
  /** Every gateway call the tool made, in order. */
  calls: { method: string; params: unknown }[];
}

export interface ToolContextInit extends Partial<ToolContext> {
  /** Scopes of the caller (default read and write). */
  scopes?: string[];
}

export function toolContext(gw: TestGateway | null, init: ToolContextInit = {}): ToolTestContext {
  const { scopes, ...overrides } = init;
  const caller = operatorCaller(scopes);
  const calls: { method: string; params: unknown }[] = [];
  return {
    agentId: "main",
    sessionKey: "agent:main:main",
    runId: "run-1",
    toolCallId: "call-1",
    canvasRoot: gw?.gateway.services.options.canvas.root ?? tmpdir(),
    signal: new AbortController().signal,
    call: (method, params) => {
      calls.push({ method, params });
      if (!gw) return Promise.reject(new Error(`no gateway in this test (called ${method})`));
      return gw.gateway.services.call(method, params, caller);
    },
    calls,
    ...overrides,
  };
}
