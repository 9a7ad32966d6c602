/** Session keys of inbound messages (per-channel-peer) and the agent they go to. */
import { describe, expect, test } from "bun:test";
import { parseSessionKey } from "../../src/agent/sessions/session-key.ts";
import { routeInbound, sessionKeyFor } from "../../src/channels/routing.ts";

const dm = (id: string, channel = "telegram") => ({ channel, chat: { id, kind: "direct" as const }, sender: { id } });
const group = (id: string, threadId?: string) => ({ channel: "telegram", chat: { id, kind: "group" as const, ...(threadId ? { threadId } : {}) }, sender: { id: "5" } });

describe("sessionKeyFor", () => {
  test("direct messages: one session per channel and peer", () => {
    expect(sessionKeyFor("main", dm("1001"))).toBe("agent:main:telegram:direct:1001");
    expect(sessionKeyFor("main", dm("+15551234567", "whatsapp"))).toBe("agent:main:whatsapp:direct:+15551234567");
    expect(sessionKeyFor("ops", dm("1001"))).toBe("agent:ops:telegram:direct:1001");
  });

  test("groups, and Telegram forum topics", () => {
    expect(sessionKeyFor("main", group("-1001234567890"))).toBe("agent:main:telegram:group:-1001234567890");
    expect(sessionKeyFor("main", group("-1001234567890", "42"))).toBe("agent:main:telegram:group:-1001234567890:topic:42");
  });

  test("keys are lowercase and ids cannot fake segments or break the key", () => {
    expect(sessionKeyFor("main", dm("AbC@s.WhatsApp.net", "WhatsApp"))).toBe("agent:main:whatsapp:direct:abc@s.whatsapp.net");
    const sneaky = sessionKeyFor("main", dm("1:group:2"));
    expect(sneaky).toBe("agent:main:telegram:direct:1%3agroup%3a2");
    expect(parseSessionKey(sneaky)?.rest.split(":")).toHaveLength(3);
    expect(sessionKeyFor("main", dm("a b\n"))).toBe("agent:main:telegram:direct:a%20b");
  });

  test("a peer id that leaves nothing to key on is refused", () => {
    expect(() => sessionKeyFor("main", dm("   "))).toThrow("no session key");
  });
});

test("routeInbound sends everything to the default agent", () => {
  expect(routeInbound(dm("1001"), "main")).toEqual({ agentId: "main", sessionKey: "agent:main:telegram:direct:1001" });
});
