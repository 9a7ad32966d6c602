/**
 * The series of one metric, looked up by label values. Lookups walk one Map per label, so a
 * repeated combination costs a few Map hits and allocates nothing (no joined key string).
 * The number of series is capped: past the cap, new combinations share one child that is
 * never rendered, and are counted, so a client sending random method names cannot grow memory.
 */
import { MetricsError } from "./metrics-error.ts";
import { labelPairs } from "./text-format.ts";

export interface SeriesLimits {
  /** Distinct label combinations kept. */
  maxSeries: number;
  /** Longer label values are cut to this many characters (and share a series). */
  maxLabelValueLength: number;
}

type Level = Map<string | undefined, unknown>;

/** Label names per metric. More is a cardinality smell; supporting it means one more parameter in `get`. */
export const MAX_LABELS = 4;

export class SeriesTable<C> {
  /** Children in creation order, for rendering. */
  readonly children: C[] = [];
  /** Lookups that hit the cap since start. */
  dropped = 0;
  private readonly root: Level = new Map();
  private readonly overflow: C;

  readonly metric: string;
  readonly labelNames: readonly string[];
  private readonly limits: SeriesLimits;
  private readonly create: (pairs: string) => C;

  constructor(options: { metric: string; labelNames: readonly string[]; limits: SeriesLimits; create: (pairs: string) => C }) {
    const { metric, labelNames, create } = options;
    this.metric = metric;
    this.labelNames = labelNames;
    this.limits = options.limits;
    this.create = create;
    if (labelNames.length > MAX_LABELS) throw new MetricsError(`${metric} has ${labelNames.length} labels; at most ${MAX_LABELS} are supported`);
    this.overflow = create("");
    if (labelNames.length === 0) this.children.push(create(""));
  }

  /**
   * The series for these values. Positional parameters rather than an array or rest
   * parameter: a rest array is not reliably optimised away, and this runs per RPC.
   */
  get(a?: string, b?: string, c?: string, d?: string): C {
    const depth = this.labelNames.length;
    if (depth === 0) return this.children[0]!;
    // Inner levels hold Maps, the last one holds children.
    let node = this.root.get(this.key(a));
    if (depth > 1 && node !== undefined) node = (node as Level).get(this.key(b));
    if (depth > 2 && node !== undefined) node = (node as Level).get(this.key(c));
    if (depth > 3 && node !== undefined) node = (node as Level).get(this.key(d));
    return node === undefined ? this.add([a, b, c, d].slice(0, depth)) : (node as C);
  }

  private key(value: string | undefined): string | undefined {
    return typeof value === "string" && value.length > this.limits.maxLabelValueLength ? value.slice(0, this.limits.maxLabelValueLength) : value;
  }

  private add(raw: readonly (string | undefined)[]): C {
    if (raw.some((value) => typeof value !== "string")) {
      throw new MetricsError(`${this.metric} takes ${this.labelNames.length} string label value(s)`);
    }
    if (this.children.length >= this.limits.maxSeries) {
      this.dropped++;
      return this.overflow;
    }
    const values = raw.map((value) => this.key(value)!);
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]!) as Level | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    const child = this.create(labelPairs(this.labelNames, values));
    level.set(values[values.length - 1]!, child);
    this.children.push(child);
    return child;
  }

  /** Forgets every series (for gauges whose label sets come and go). */
  clear(): void {
    this.root.clear();
    this.children.length = 0;
    if (this.labelNames.length === 0) this.children.push(this.create(""));
  }
}
