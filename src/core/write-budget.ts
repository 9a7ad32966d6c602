/**
 * The control-plane write budget: at most `limit` config writes per window per client
 * (device id, else address), so a runaway script cannot rewrite the config in a loop.
 */
export class WriteBudget {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    readonly limit = 3,
    readonly windowMs = 60_000,
  ) {}

  /** Records a write; returns 0 when allowed, else the milliseconds until the next one is. */
  take(client: string): number {
    const now = this.now();
    const recent = (this.hits.get(client) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(client, recent);
      return recent[0]! + this.windowMs - now;
    }
    recent.push(now);
    this.hits.set(client, recent);
    return 0;
  }
}
