/** Waiting without sleeping: re-check a condition each time something arrives, up to a deadline. */
export class Condition {
  private waiters: (() => void)[] = [];

  /** Call whenever new data arrived. */
  wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves with the first defined value of `check`, re-evaluated on every wake. */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000, context: () => string = () => ""): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}${context()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * For state that changes without an event to wait on (a file watcher in another part of the
 * gateway): re-check every few milliseconds until it holds or the deadline passes.
 */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(intervalMs);
  }
}
