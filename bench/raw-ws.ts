/**
 * A deliberately minimal WebSocket client over Bun.connect for the load generator. On a
 * 2-core machine the client process competes with the server for CPU; Bun's WebSocket class
 * costs about as much per message as the server does, so it would cap both servers at the
 * client's speed and squeeze every ratio towards 100 %. This one writes pre-encoded frames in
 * one syscall per batch and only scans incoming frame headers, so the server is the bottleneck.
 *
 * Frames are masked with a zero key (valid per RFC 6455 §5.3; unpredictability only matters
 * for browsers behind proxies), so encoding is a header plus the UTF-8 bytes.
 */
import type { Socket } from "bun";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One masked text frame with a zero mask key. */
export function encodeText(text: string): Uint8Array {
  const body = encoder.encode(text);
  const n = body.length;
  const head = n < 126 ? 6 : n < 65536 ? 8 : 14;
  const frame = new Uint8Array(head + n);
  frame[0] = 0x81; // FIN + text
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame[2] = n >> 8;
    frame[3] = n & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(n));
  }
  frame.set(body, head); // mask key bytes stay 0
  return frame;
}

export interface RawClient {
  /** Queue a frame; queued frames go out together at the end of the current tick. */
  send(frame: Uint8Array): void;
  /** Receive each complete text frame's payload bytes (a view, valid during the call); frames
   *  that arrived before the first listen() are replayed to it. */
  listen(handler: (payload: Uint8Array) => void): void;
  /** The next text frame as a string (for the handshake). */
  nextText(): Promise<string>;
  close(): void;
}

export const textOf = (payload: Uint8Array) => decoder.decode(payload);

const RES_PREFIX = encoder.encode('{"type":"res"');
export function isResponse(payload: Uint8Array): boolean {
  if (payload.length < RES_PREFIX.length) return false;
  for (let i = 0; i < RES_PREFIX.length; i++) if (payload[i] !== RES_PREFIX[i]) return false;
  return true;
}

export function openRaw(host: string, port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    let buffer: Uint8Array = new Uint8Array(0);
    let upgraded = false;
    let out: Uint8Array[] = []; // queued frames; out[0] may be the unwritten tail of a batch
    let scheduled = false;
    let sock: Socket<undefined> | null = null;
    let early: Uint8Array[] | null = [];
    let onFrame: (payload: Uint8Array) => void = (payload) => void early!.push(payload.slice());
    const client: RawClient = {
      send(frame) {
        out.push(frame);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(flush);
        }
      },
      listen(handler) {
        onFrame = handler;
        for (const payload of early ?? []) handler(payload);
        early = null;
      },
      nextText() {
        if (early?.length) return Promise.resolve(textOf(early.shift()!));
        const previous = onFrame;
        return new Promise((resolveText) => {
          onFrame = (payload) => {
            onFrame = previous;
            resolveText(textOf(payload));
          };
        });
      },
      close: () => sock?.end(),
    };
    function flush() {
      scheduled = false;
      if (!sock || out.length === 0) return;
      const data = out.length === 1 ? out[0]! : Buffer.concat(out);
      const written = sock.write(data);
      // The rest waits for drain(); Bun copies nothing we keep, so keep a copy of the tail.
      out = written < data.length ? [data.slice(Math.max(written, 0))] : [];
    }
    function parse() {
      let offset = 0;
      while (buffer.length - offset >= 2) {
        const b1 = buffer[offset + 1]! & 0x7f;
        let head = 2;
        let len = b1;
        if (b1 === 126) {
          if (buffer.length - offset < 4) break;
          len = (buffer[offset + 2]! << 8) | buffer[offset + 3]!;
          head = 4;
        } else if (b1 === 127) {
          if (buffer.length - offset < 10) break;
          len = Number(new DataView(buffer.buffer, buffer.byteOffset + offset + 2, 8).getBigUint64(0));
          head = 10;
        }
        if (buffer.length - offset < head + len) break;
        const opcode = buffer[offset]! & 0x0f;
        if (opcode === 0x1) onFrame(buffer.subarray(offset + head, offset + head + len));
        offset += head + len;
      }
      // Uint8Array#slice copies (Buffer#slice would not), so the kept tail survives the chunk.
      buffer = offset === buffer.length ? new Uint8Array(0) : Uint8Array.prototype.slice.call(buffer, offset);
    }
    Bun.connect({
      hostname: host,
      port,
      socket: {
        open(s) {
          sock = s;
          const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
          s.write(`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
        },
        data(_s, chunk) {
          buffer = buffer.length === 0 ? chunk : new Uint8Array(Buffer.concat([buffer, chunk]));
          if (!upgraded) {
            const text = decoder.decode(buffer);
            const end = text.indexOf("\r\n\r\n");
            if (end < 0) return;
            if (!text.startsWith("HTTP/1.1 101")) return reject(new Error(`upgrade refused: ${text.split("\r\n")[0]}`));
            upgraded = true;
            buffer = Uint8Array.prototype.slice.call(buffer, encoder.encode(text.slice(0, end + 4)).length);
            resolve(client);
          }
          parse();
        },
        drain() {
          flush();
        },
        error(_s, error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
}
