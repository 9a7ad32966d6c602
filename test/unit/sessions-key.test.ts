/** Session keys: parsing, normalising loose spellings, and the keys HTTP callers get. */
import { expect, test } from "bun:test";
import {
  httpSessionKey,
  isValidAgentId,
  MAIN_SESSION_KEY,
  mainSessionKey,
  normalizeSessionKey,
  parseSessionKey,
  SessionKeyError,
} from "../../src/agent/sessions/session-key.ts";

test("agent ids: lowercase letters, digits, _ and -, 1 to 64, not starting with _ or -", () => {
  for (const id of ["main", "a", "work-2", "w_x", "0", "a".repeat(64)]) expect([id, isValidAgentId(id)]).toEqual([id, true]);
  for (const id of ["", "Main", "-a", "_a", "a b", "a:b", "a".repeat(65), "é"]) expect([id, isValidAgentId(id)]).toEqual([id, false]);
});

test("parse splits agent id and rest, lowercased; channel peers keep their punctuation", () => {
  expect(parseSessionKey("agent:main:main")).toEqual({ key: "agent:main:main", agentId: "main", rest: "main" });
  expect(parseSessionKey("  Agent:Work:WhatsApp:direct:+15551234567 ")).toEqual({
    key: "agent:work:whatsapp:direct:+15551234567", agentId: "work", rest: "whatsapp:direct:+15551234567",
  });
  expect(parseSessionKey("agent:main:telegram:group:-1001234567890:topic:42")?.rest).toBe("telegram:group:-1001234567890:topic:42");
  expect(parseSessionKey("agent:main:whatsapp:group:120363@g.us")?.rest).toBe("whatsapp:group:120363@g.us");
});

test("parse refuses what cannot be a key", () => {
  for (const key of ["main", "agent:main", "agent:main:", "agent::main", "agent:-x:main", "agent:main:a::b", "agent:main:a b", "agent:main:a\u0000", "cron:job", `agent:main:${"x".repeat(600)}`]) {
    expect([key, parseSessionKey(key)]).toEqual([key, null]);
  }
});

test("normalise: main and empty mean the default agent's main session; bare keys go under it", () => {
  expect(MAIN_SESSION_KEY).toBe("agent:main:main");
  expect(normalizeSessionKey("main")).toBe(MAIN_SESSION_KEY);
  expect(normalizeSessionKey(" MAIN ")).toBe(MAIN_SESSION_KEY);
  expect(normalizeSessionKey("")).toBe(MAIN_SESSION_KEY);
  expect(normalizeSessionKey("main", { defaultAgentId: "work" })).toBe("agent:work:main");
  expect(mainSessionKey("work")).toBe("agent:work:main");
  expect(normalizeSessionKey("Agent:Main:Main", { defaultAgentId: "work" })).toBe("agent:main:main");
  expect(normalizeSessionKey("cron:Job-1")).toBe("agent:main:cron:job-1");
  expect(normalizeSessionKey("hook:1234", { defaultAgentId: "work" })).toBe("agent:work:hook:1234");
});

test("normalise throws SessionKeyError naming the bad key", () => {
  const bad = () => normalizeSessionKey("agent:Bad Id:main");
  expect(bad).toThrow(SessionKeyError);
  expect(bad).toThrow("invalid session key: agent:Bad Id:main");
  expect(() => normalizeSessionKey("has space")).toThrow("invalid session key: has space");
  expect(() => normalizeSessionKey("main", { defaultAgentId: "No!" })).toThrow("invalid agent id: No!");
  let caught: unknown;
  try {
    bad();
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ name: "SessionKeyError", key: "agent:Bad Id:main" });
});

test("HTTP callers: header key wins, then one session per user, else a fresh one per request", () => {
  const newId = () => "0b7c-uuid";
  expect(httpSessionKey({ surface: "openai", agentId: "main", headerKey: "Agent:Main:Support", user: "u1", newId })).toBe("agent:main:support");
  expect(httpSessionKey({ surface: "openai", agentId: "work", headerKey: "main" })).toBe("agent:work:main");
  expect(httpSessionKey({ surface: "openai", agentId: "main", headerKey: "  ", user: "Jane", newId })).toBe("agent:main:openai-user:jane");
  expect(httpSessionKey({ surface: "openai", agentId: "main", newId })).toBe("agent:main:openai:0b7c-uuid");
  expect(httpSessionKey({ surface: "openresponses", agentId: "work", user: "u-2" })).toBe("agent:work:openresponses-user:u-2");
  expect(httpSessionKey({ surface: "openresponses", agentId: "main", user: "", newId })).toBe("agent:main:openresponses:0b7c-uuid");
  expect(httpSessionKey({ surface: "openai", agentId: "main" })).toMatch(/^agent:main:openai:[0-9a-f-]{36}$/);
});

test("HTTP users with blanks, colons or huge names still make one valid key each", () => {
  const key = httpSessionKey({ surface: "openai", agentId: "main", user: " Jane  Doe:admin\n" });
  expect(key).toBe("agent:main:openai-user:jane-doe-admin");
  expect(parseSessionKey(key)).not.toBeNull();
  const long = httpSessionKey({ surface: "openai", agentId: "main", user: "x".repeat(1000) });
  expect(parseSessionKey(long)?.rest).toBe(`openai-user:${"x".repeat(128)}`);
  expect(() => httpSessionKey({ surface: "openai", agentId: "Bad Agent" })).toThrow(SessionKeyError);
});
