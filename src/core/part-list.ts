/**
 * Runs the gateway's parts: starts them in order, stops them in reverse, and reports each
 * one's state. A required part that fails to start stops the ones already started and fails
 * the start; an optional one is logged, marked failed, and the rest go on.
 */
import type { Options } from "../config/load.ts";
import type { Logger } from "../log/logger.ts";
import type { Part, PartStatus } from "./part.ts";

interface Slot {
  part: Part;
  controller: AbortController | null;
  /** Set when the list itself knows better than the part (not started, failed, stopped). */
  override: PartStatus | null;
}

export class PartList {
  private readonly slots: Slot[];

  constructor(
    parts: readonly Part[],
    private readonly log: Logger,
  ) {
    const names = new Set<string>();
    for (const part of parts) {
      if (names.has(part.name)) throw new Error(`two parts named ${part.name}`);
      names.add(part.name);
    }
    this.slots = parts.map((part) => ({ part, controller: null, override: { state: "stopped" } }));
  }

  async startAll(): Promise<void> {
    for (const slot of this.slots) {
      const { part } = slot;
      slot.controller = new AbortController();
      slot.override = { state: "starting" };
      try {
        await part.start({ signal: slot.controller.signal, log: this.log.withTag(part.name) });
        slot.override = null;
      } catch (error) {
        slot.override = { state: "failed", detail: (error as Error)?.message ?? String(error) };
        if (!part.optional) {
          await this.stopAll();
          throw error;
        }
        this.log.warn(`${part.name} not started: ${slot.override.detail}`);
      }
    }
  }

  /** Stops every started part, newest first; a part that fails to stop is logged, not rethrown. */
  async stopAll(): Promise<void> {
    for (const slot of [...this.slots].reverse()) {
      if (!slot.controller) continue;
      slot.controller.abort();
      slot.controller = null;
      const wasRunning = slot.override === null;
      slot.override = { state: "stopped" };
      if (!wasRunning) continue;
      try {
        await slot.part.stop();
      } catch (error) {
        this.log.error(`${slot.part.name} did not stop cleanly:`, error);
      }
    }
  }

  optionsChanged(next: Readonly<Options>, previous: Readonly<Options>): void {
    for (const slot of this.slots) {
      if (slot.override !== null) continue;
      try {
        slot.part.optionsChanged?.(next, previous);
      } catch (error) {
        this.log.error(`${slot.part.name} could not apply the new config:`, error);
      }
    }
  }

  status(name: string): PartStatus | undefined {
    const slot = this.slots.find((s) => s.part.name === name);
    return slot ? (slot.override ?? slot.part.status()) : undefined;
  }

  /** Every part's status, in start order. */
  snapshot(): Record<string, PartStatus> {
    return Object.fromEntries(this.slots.map((slot) => [slot.part.name, slot.override ?? slot.part.status()]));
  }

  /** Every required part is running (or degraded: up, but not all is well). */
  get ready(): boolean {
    return this.slots.every((slot) => {
      if (slot.part.optional) return true;
      const state = (slot.override ?? slot.part.status()).state;
      return state === "running" || state === "degraded" || state === "disabled";
    });
  }

  /** The union of the channels every part reports. */
  channels(): NonNullable<PartStatus["channels"]> {
    const all: NonNullable<PartStatus["channels"]> = {};
    for (const slot of this.slots) {
      if (slot.override) continue;
      Object.assign(all, slot.part.status().channels ?? {});
    }
    return all;
  }
}
