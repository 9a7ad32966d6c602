/** Pure config helpers: reload classification, merge patches, redaction round trips. */
import { expect, test } from "bun:test";
import { changedPaths, classify, planReload } from "../../src/config/reload-rules.ts";
import { mergePatch } from "../../src/config/merge-patch.ts";
import { redactConfig, redactRaw, restoreRedacted } from "../../src/config/redact-config.ts";

test("reload rules: first matching prefix wins, unknown paths restart", () => {
  expect(classify("gateway.auth.token").kind).toBe("hot");
  expect(classify("gateway.reload.debounceMs").kind).toBe("none");
  expect(classify("gateway.port").kind).toBe("restart");
  expect(classify("canvasHost.port").kind).toBe("restart");
  expect(classify("logging.level").kind).toBe("none");
  expect(classify("channels.telegram.botToken")).toEqual({ path: "channels.telegram.botToken", kind: "channel", channel: "telegram" });
  expect(classify("web.enabled")).toMatchObject({ kind: "channel", channel: "whatsapp" });
  expect(classify("somethingNew").kind).toBe("restart");
  expect(classify("gatewayish").kind).toBe("restart");
});

test("changed paths are leaves; arrays compare whole", () => {
  expect(changedPaths({ a: { b: 1, c: [1] } }, { a: { b: 2, c: [1] }, d: { e: true } })).toEqual(["a.b", "d.e"]);
  expect(changedPaths({ a: [1, 2] }, { a: [2, 1] })).toEqual(["a"]);
  const plan = planReload({ gateway: { auth: { token: "a" } } }, { gateway: { auth: { token: "b" }, port: 1 }, channels: { telegram: { x: 1 } } });
  expect(plan).toMatchObject({ needsRestart: true, channels: ["telegram"] });
});

test("merge patch: objects merge, null deletes, arrays replace, id-keyed arrays merge by id", () => {
  expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
  expect(mergePatch({ list: [{ id: "a", x: 1 }, { id: "b", x: 2 }] }, { list: [{ id: "b", x: 3 }, { id: "c", x: 4 }] })).toEqual({
    list: [{ id: "a", x: 1 }, { id: "b", x: 3 }, { id: "c", x: 4 }],
  });
  expect(mergePatch({ a: 1 }, "replace")).toBe("replace");
});

test("redaction round trip keeps secrets the client never saw", () => {
  const config = { gateway: { auth: { token: "s3cret-token" }, remote: { password: "pw-123456" } }, x: "keep" };
  const shown = redactConfig(config) as any;
  expect(shown).toEqual({ gateway: { auth: { token: "__OPENCLAW_REDACTED__" }, remote: { password: "__OPENCLAW_REDACTED__" } }, x: "keep" });
  expect(redactRaw(JSON.stringify(config), config)).not.toContain("s3cret-token");
  shown.x = "changed";
  expect(restoreRedacted(shown, config)).toEqual({ ...config, x: "changed" });
});

test("merge patch never turns __proto__ or constructor into data or prototypes", () => {
  const merged = mergePatch({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}, "b": 2}')) as Record<string, unknown>;
  expect(merged).toEqual({ a: 1, b: 2 });
  expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
