/**
 * The small pieces of the WhatsApp login: what each close means during a link, the pairing
 * phone number, the staged auth state, and the QR image (decoded back and compared with the
 * encoder's matrix).
 */
import { describe, expect, test } from "bun:test";
import { inflateSync } from "node:zlib";
import { closeVerdict } from "../../src/channels/whatsapp/login-close.ts";
import { WhatsAppLoginError } from "../../src/channels/whatsapp/login-errors.ts";
import { pairingPhoneDigits } from "../../src/channels/whatsapp/login-phone.ts";
import { qrDataUrl } from "../../src/channels/whatsapp/login-qr-image.ts";
import { createStagedAuth } from "../../src/channels/whatsapp/login-staged-auth.ts";

/** What Baileys closes with: a Boom carrying the status. */
const boom = (statusCode: number, message = "closed") => Object.assign(new Error(message), { output: { statusCode } });

describe("closeVerdict", () => {
  const base = { paired: false, mode: "qr" as const, offered: true, reopensLeft: 3 };

  test("515 reopens (the restart after pairing), also before isNewLogin was seen", () => {
    expect(closeVerdict({ ...base, paired: true, error: boom(515, "Stream Errored (restart required)") })).toEqual({ action: "reopen" });
    expect(closeVerdict({ ...base, error: boom(515) })).toEqual({ action: "reopen" });
  });

  test("after pairing a dropped connection reopens; with no reopens left the attempt fails", () => {
    for (const status of [408, 428, 500, 503]) expect(closeVerdict({ ...base, paired: true, error: boom(status) })).toEqual({ action: "reopen" });
    expect(closeVerdict({ ...base, paired: true, error: new Error("ECONNRESET") })).toEqual({ action: "reopen" });
    expect(closeVerdict({ ...base, paired: true, reopensLeft: 0, error: boom(515, "restart required") })).toEqual({
      action: "end",
      status: "failed",
      error: "WhatsApp kept closing the connection after pairing (515: restart required)",
    });
  });

  test("408 before pairing is the QRs running out: a timeout, worded for the mode", () => {
    expect(closeVerdict({ ...base, error: boom(408, "QR refs attempts ended") })).toEqual({
      action: "end",
      status: "timeout",
      error: "nobody scanned the QR code before WhatsApp stopped offering new ones (408: QR refs attempts ended)",
    });
    const code = closeVerdict({ ...base, mode: "pairing-code", error: boom(408, "QR refs attempts ended") });
    expect(code).toMatchObject({ status: "timeout", error: expect.stringContaining("the pairing code was not entered") });
    // Before any QR, a 408 is Baileys' way of saying the connect failed.
    const refused = Object.assign(new Error("WebSocket Error (connect ECONNREFUSED 127.0.0.1:1)"), { output: { statusCode: 408 } });
    expect(closeVerdict({ ...base, offered: false, error: refused })).toEqual({
      action: "end",
      status: "failed",
      error: "cannot reach WhatsApp: WebSocket Error (connect ECONNREFUSED 127.0.0.1:1)",
    });
  });

  test("refusals and takeovers end the attempt; the rest say what closed", () => {
    for (const status of [401, 403, 411, 419]) {
      expect(closeVerdict({ ...base, paired: true, error: boom(status, "nope") })).toEqual({ action: "end", status: "failed", error: `WhatsApp refused the link (${status}: nope)` });
    }
    expect(closeVerdict({ ...base, error: boom(440, "conflict") })).toEqual({ action: "end", status: "failed", error: "another session took over this link (440: conflict)" });
    expect(closeVerdict({ ...base, error: boom(405) })).toMatchObject({ status: "failed", error: expect.stringContaining("client version") });
    expect(closeVerdict({ ...base, error: new Error("getaddrinfo EAI_AGAIN") })).toEqual({ action: "end", status: "failed", error: "the WhatsApp connection failed: getaddrinfo EAI_AGAIN" });
  });
});

describe("pairingPhoneDigits", () => {
  test("E.164 as people type it becomes Baileys' digits", () => {
    expect(pairingPhoneDigits("+1 (555) 123-4567")).toBe("15551234567");
    expect(pairingPhoneDigits("+46701234567")).toBe("46701234567");
    expect(pairingPhoneDigits("15551234567")).toBe("15551234567");
  });

  test("anything else is refused with the reason", () => {
    for (const bad of ["", "+1", "+0123456789", "call me", "+1234567890123456"]) {
      let error: unknown;
      try {
        pairingPhoneDigits(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WhatsAppLoginError);
      expect(error).toMatchObject({ name: "WhatsAppLoginError", code: "invalid_phone", message: expect.stringContaining("use E.164") });
    }
  });
});

describe("createStagedAuth", () => {
  test("fresh creds; keys kept in memory, deletions applied, exported as one set", async () => {
    const auth = await createStagedAuth();
    expect(auth.state.creds.registered).toBe(false);
    expect(auth.me).toBeUndefined();
    await auth.state.keys.set({ "pre-key": { "1": { public: new Uint8Array([1]), private: new Uint8Array([2]) }, "2": { public: new Uint8Array([3]), private: new Uint8Array([4]) } } });
    await auth.state.keys.set({ "pre-key": { "1": null }, session: { "a.0": new Uint8Array([9]) } });
    expect(await auth.state.keys.get("pre-key", ["1", "2", "3"])).toEqual({ "2": { public: new Uint8Array([3]), private: new Uint8Array([4]) } });
    expect(auth.keys()).toEqual({ "pre-key": { "2": { public: new Uint8Array([3]), private: new Uint8Array([4]) } }, session: { "a.0": new Uint8Array([9]) } });
    auth.state.creds.me = { id: "15551234567:7@s.whatsapp.net" };
    expect(auth.me?.id).toBe("15551234567:7@s.whatsapp.net");
  });
});

/** Reads back an 8-bit grayscale PNG written by `qrDataUrl`. */
function decodePng(dataUrl: string): { size: number; dark: (x: number, y: number) => boolean } {
  const png = Buffer.from(dataUrl.slice("data:image/png;base64,".length), "base64");
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let size = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString("latin1");
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      size = data.readUInt32BE(0);
      expect(data.readUInt32BE(4)).toBe(size);
      expect([data[8], data[9]]).toEqual([8, 0]);
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { size, dark: (x, y) => raw[y * (size + 1) + 1 + x] === 0 };
}

test("qrDataUrl: a PNG whose dark pixels are the QR modules, inside a quiet zone", async () => {
  const text = "2@abc,def,ghi,1";
  const url = await qrDataUrl(text);
  expect(url.length).toBeLessThan(16_384);
  const { size, dark } = decodePng(url);
  const { default: QRCode } = (await import("qrcode-terminal/vendor/QRCode/index.js" as string)) as {
    default: new (type: number, level: number) => { addData(s: string): void; make(): void; getModuleCount(): number; isDark(r: number, c: number): boolean };
  };
  const qr = new QRCode(-1, 1);
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const scale = size / (modules + 8);
  expect(Number.isInteger(scale)).toBe(true);
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      // The centre pixel of each module.
      expect(dark(Math.floor((col + 4.5) * scale), Math.floor((row + 4.5) * scale))).toBe(qr.isDark(row, col));
    }
  }
  for (let i = 0; i < size; i++) expect(dark(i, 0) || dark(0, i)).toBe(false);
});
