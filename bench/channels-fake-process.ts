/**
 * Starts one of bench/channels-fake.ts's fakes as a child process and reads its JSON-lines
 * events; commands go to its stdin. Closing stdin stops it, so it never outlives the driver.
 */
import { join } from "node:path";

export interface FakeEvent {
  at: number;
  [key: string]: unknown;
}

export interface FakeProcess {
  pid: number;
  /** The first line's `ready` payload (apiRoot and token, or baseUrl). */
  ready: Record<string, unknown>;
  send(command: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export async function startFakeProcess(mode: "telegram" | "model", onEvent: (event: FakeEvent) => void): Promise<FakeProcess> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "channels-fake.ts"), mode], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  let markReady!: (ready: Record<string, unknown>) => void;
  const ready = new Promise<Record<string, unknown>>((resolve) => (markReady = resolve));
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of proc.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const event = JSON.parse(buffer.slice(0, end)) as FakeEvent & { ready?: Record<string, unknown> };
        buffer = buffer.slice(end + 1);
        if (event.ready) markReady(event.ready);
        else onEvent(event);
      }
    }
  })();
  // Only an exit before `ready` is an error; the normal one comes from `stop()`.
  const early = Promise.race([ready.then(() => null), proc.exited]).then((code) => {
    if (code !== null) throw new Error(`the ${mode} fake exited (${code}) before it was ready`);
  });
  await early;
  return {
    pid: proc.pid,
    ready: await ready,
    send(command) {
      proc.stdin.write(JSON.stringify(command) + "\n");
      proc.stdin.flush();
    },
    async stop() {
      proc.stdin.end();
      await proc.exited;
    },
  };
}
