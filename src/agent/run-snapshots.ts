/**
 * What `agent.wait` and `agent.status` can still say about runs that ended: a bounded map of
 * finished-run snapshots, kept a while (and at most so many) after the run left the runtime's
 * active set. Separate from the runtime so the keeping rules live in one small place.
 */
import type { AgentRunStatus } from "./runner-types.ts";

/** Finished runs `agent.wait` can still report on. */
const FINISHED_KEPT_MS = 10 * 60_000;
const FINISHED_MAX = 1000;

export interface RunSnapshot {
  runId: string;
  status: "running" | AgentRunStatus;
  startedAt?: number;
  endedAt?: number;
  error?: string;
}

export class FinishedRuns {
  private readonly finished = new Map<string, RunSnapshot & { keptUntil: number }>();

  /** Records a run's end at `now`, and drops the oldest snapshots past their time or the cap. */
  record(snapshot: RunSnapshot & { endedAt: number }, now: number): void {
    this.finished.set(snapshot.runId, { ...snapshot, keptUntil: now + FINISHED_KEPT_MS });
    // Insertion order is end order: stop at the first one still kept once under the cap.
    for (const [id, kept] of this.finished) {
      if (this.finished.size <= FINISHED_MAX && kept.keptUntil >= now) break;
      this.finished.delete(id);
    }
  }

  /** The snapshot of a finished run, or null when unknown or no longer kept at `now`. */
  get(runId: string, now: number): RunSnapshot | null {
    const done = this.finished.get(runId);
    if (!done || done.keptUntil < now) return null;
    const { keptUntil: _k, ...snapshot } = done;
    return snapshot;
  }
}
