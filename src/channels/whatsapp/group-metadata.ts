/**
 * Group metadata (participants, addressing mode) for Baileys' `cachedGroupMetadata`. Without it
 * Baileys asks WhatsApp for a group's metadata before every message it sends there, which is
 * slow and one of the patterns that gets numbers rate-limited. One cache per account, kept
 * across its reconnects; entries expire after a while and are dropped as soon as WhatsApp says
 * the group changed (subject, settings, members), so a send never encrypts for stale members
 * for long.
 */
import type { GroupMetadata } from "@whiskeysockets/baileys";
import type { WaEventMap } from "./socket.ts";

export interface GroupMetadataCacheOptions {
  /** Default 10 minutes. */
  ttlMs?: number;
  /** Most groups kept; the least recently stored go first. Default 500. */
  maxEntries?: number;
  now?: () => number;
}

type Events = {
  on<E extends keyof WaEventMap>(event: E, listener: (arg: WaEventMap[E]) => void): void;
  off<E extends keyof WaEventMap>(event: E, listener: (arg: WaEventMap[E]) => void): void;
};

export class GroupMetadataCache {
  private readonly entries = new Map<string, { metadata: GroupMetadata; at: number }>();
  private readonly inFlight = new Map<string, Promise<GroupMetadata>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: GroupMetadataCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxEntries = options.maxEntries ?? 500;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(jid: string): GroupMetadata | undefined {
    const entry = this.entries.get(jid);
    if (!entry) return undefined;
    if (this.now() - entry.at >= this.ttlMs) {
      this.entries.delete(jid);
      return undefined;
    }
    return entry.metadata;
  }

  set(metadata: GroupMetadata): void {
    this.entries.delete(metadata.id);
    this.entries.set(metadata.id, { metadata, at: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  invalidate(jid: string | undefined): void {
    if (jid) this.entries.delete(jid);
  }

  /** The cached metadata, else `fetch`ed once however many sends ask at the same time, then kept. */
  async lookup(jid: string, fetch: (jid: string) => Promise<GroupMetadata>): Promise<GroupMetadata> {
    const cached = this.get(jid);
    if (cached) return cached;
    let pending = this.inFlight.get(jid);
    if (!pending) {
      pending = fetch(jid).then((metadata) => {
        this.set(metadata);
        return metadata;
      });
      const settled = () => this.inFlight.delete(jid);
      pending.then(settled, settled);
      this.inFlight.set(jid, pending);
    }
    return pending;
  }

  /** Follows a socket's group events: full metadata is stored, any change drops the entry. Returns the detach. */
  follow(ev: Events): () => void {
    const upsert = (groups: WaEventMap["groups.upsert"]) => groups.forEach((g) => this.set(g));
    const update = (changes: WaEventMap["groups.update"]) => changes.forEach((g) => this.invalidate(g.id));
    const members = (change: WaEventMap["group-participants.update"]) => this.invalidate(change.id);
    ev.on("groups.upsert", upsert);
    ev.on("groups.update", update);
    ev.on("group-participants.update", members);
    return () => {
      ev.off("groups.upsert", upsert);
      ev.off("groups.update", update);
      ev.off("group-participants.update", members);
    };
  }
}
