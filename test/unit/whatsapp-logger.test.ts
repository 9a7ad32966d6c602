/** Baileys' logger interface over ours: levels one step down, details only at trace, children keep the class. */
import { describe, expect, test } from "bun:test";
import { baileysLogger } from "../../src/channels/whatsapp/logger.ts";
import { createLogging, type LogEntry } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";
import type { LogType } from "consola/core";

function logger(level: LogType) {
  const entries: LogEntry[] = [];
  const { root } = createLogging({ consoleLevel: level, fileLevel: "silent", file: null, redactor: new Redactor(), stdout: () => {}, stderr: () => {}, onEntry: (e) => entries.push(e) });
  return { log: root, entries };
}

describe("baileysLogger", () => {
  test("an expected stream error becomes a warning, routine info only debug", () => {
    const { log, entries } = logger("info");
    const b = baileysLogger(log);
    b.error({ err: new Error("Stream Errored (restart required)") }, "stream errored out");
    b.info({ trace: "…" }, "connection errored");
    b.warn("keep alive called when WS not open");
    expect(entries.map((e) => [e.type, e.message])).toEqual([
      ["warn", "baileys stream errored out (Stream Errored (restart required))"],
      ["info", "baileys keep alive called when WS not open"],
    ]);
    expect(b.level).toBe("info");
  });

  test("child loggers carry their class; objects are only spelt out at trace", () => {
    const { log, entries } = logger("trace");
    const b = baileysLogger(log).child({ class: "baileys" });
    b.debug({ node: { tag: "iq", content: new Uint8Array(3) } }, "sent");
    expect(entries[0]!.message).toBe('baileys baileys: sent {"node":{"tag":"iq","content":"<3 bytes>"}}');
    expect(b.level).toBe("trace");
    b.level = "silent";
    expect(b.level).toBe("trace");
  });
});
