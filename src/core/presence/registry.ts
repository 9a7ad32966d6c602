/**
 * Who is connected: the gateway's own entry plus one per client, keyed by device id, else
 * instance id, else connection id. Entries of clients that left stay visible (reason
 * `disconnect`) until they expire; entries backed by a live connection never expire.
 * The registry, the announcer (batched `presence` events) and the self entry live together here.
 */
import type { PresenceEntry } from "../../../protocol/methods/system.ts";

export const PRESENCE_TTL_MS = 5 * 60_000;
export const PRESENCE_MAX_ENTRIES = 200;

export class PresenceRegistry {
  private readonly entries = new Map<string, PresenceEntry>();
  /** Live connections per key; a key with live connections is never pruned. */
  private readonly live = new Map<string, number>();
  /** Bumped on every change; reported as `stateVersion.presence`. */
  version = 1;

  private readonly selfEntry: () => PresenceEntry;
  private readonly now: () => number;
  private readonly onChange: () => void;

  constructor(options: {
    selfEntry: () => PresenceEntry;
    now: () => number;
    /** Called after every change a client caused (the announcer batches these into `presence` events). */
    onChange?: () => void;
  }) {
    this.selfEntry = options.selfEntry;
    this.now = options.now;
    this.onChange = options.onChange ?? (() => {});
  }

  static keyFor(entry: { deviceId?: string; instanceId?: string }, fallback: string): string {
    return (entry.deviceId || entry.instanceId || fallback).toLowerCase();
  }

  /** Records or refreshes an entry; `live` marks it as backed by an open connection. */
  upsert(key: string, entry: Omit<PresenceEntry, "ts">, options: { live?: boolean } = {}): void {
    const previous = this.entries.get(key);
    this.entries.delete(key); // re-insert so the map stays ordered by last update
    this.entries.set(key, { ...previous, ...entry, ts: this.now() });
    if (options.live) this.live.set(key, (this.live.get(key) ?? 0) + 1);
    this.version++;
    this.prune();
    this.onChange();
  }

  /** A connection went away: the entry stays, marked `disconnect`, until it expires. */
  disconnected(key: string): void {
    const count = (this.live.get(key) ?? 1) - 1;
    if (count > 0) {
      this.live.set(key, count);
      return;
    }
    this.live.delete(key);
    const entry = this.entries.get(key);
    if (entry) this.upsert(key, { ...entry, reason: "disconnect" });
  }

  list(): PresenceEntry[] {
    this.prune();
    return [{ ...this.selfEntry(), ts: this.now() }, ...this.entries.values()];
  }

  private prune(): void {
    const cutoff = this.now() - PRESENCE_TTL_MS;
    let changed = false;
    for (const [key, entry] of this.entries) {
      if (this.live.has(key)) continue;
      if (entry.ts < cutoff || this.entries.size > PRESENCE_MAX_ENTRIES) {
        this.entries.delete(key);
        changed = true;
      }
    }
    if (changed) this.version++;
  }
}
