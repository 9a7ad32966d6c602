import { expect, test } from "bun:test";
import { Redactor } from "../../src/log/redact.ts";

test("registered secrets are masked wherever they appear", () => {
  const r = new Redactor();
  r.addSecret("s3cr3t-value-123");
  expect(r.redactText("token=s3cr3t-value-123 and again s3cr3t-value-123")).toBe("token=*** and again ***");
});

test("credential patterns are masked without registration", () => {
  const r = new Redactor();
  expect(r.redactText("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer ***");
  expect(r.redactText("GET /hooks/wake?token=abcdef&x=1")).toBe("GET /hooks/wake?token=***&x=1");
  expect(r.redactText("http://x/#token=abcdef")).toBe("http://x/#token=***");
  expect(r.redactText("bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1 ok")).toBe("bot 123456789:*** ok");
});

test("secret-named keys are masked in logged objects, deeply and cycle-safe", () => {
  const r = new Redactor();
  const value: Record<string, unknown> = { gateway: { auth: { token: "abc", mode: "token" } }, password: "p", list: [{ apiKey: "k" }] };
  value.self = value;
  expect(r.redactValue(value)).toEqual({
    gateway: { auth: { token: "***", mode: "token" } },
    password: "***",
    list: [{ apiKey: "***" }],
    self: "[…]",
  });
});

test("short values are not registered (they would mask ordinary words)", () => {
  const r = new Redactor();
  r.addSecret("abc");
  expect(r.redactText("abc")).toBe("abc");
});
