/**
 * A histogram with fixed buckets. Each series keeps one count per bucket (not cumulative, so
 * `observe` touches one slot); the cumulative `_bucket{le}` lines are summed at render time.
 */
import { Metric, type MetricOptions } from "./metric.ts";
import { MetricsError } from "./metrics-error.ts";
import type { SeriesLimits } from "./series.ts";
import { braces, formatValue } from "./text-format.ts";

export interface HistogramOptions<L extends readonly string[]> extends MetricOptions<L> {
  /** Upper bounds, strictly increasing and finite; `+Inf` is always added. */
  buckets: readonly number[];
}

export class HistogramChild {
  /** counts[i] = observations in (bounds[i-1], bounds[i]]; the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly pairs: string,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (Number.isNaN(value)) throw new MetricsError("histogram observation must not be NaN");
    // Binary search for the first bound >= value.
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= bounds[mid]!) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]!++;
    this.sum += value;
    this.count++;
  }
}

function checkBuckets(name: string, buckets: readonly number[]): Float64Array {
  if (buckets.length === 0) throw new MetricsError(`${name} needs at least one bucket`);
  for (let i = 0; i < buckets.length; i++) {
    if (!Number.isFinite(buckets[i]) || (i > 0 && buckets[i]! <= buckets[i - 1]!)) {
      throw new MetricsError(`${name} buckets must be finite and strictly increasing`);
    }
  }
  return Float64Array.from(buckets);
}

export class Histogram<L extends readonly string[] = []> extends Metric<L, HistogramChild> {
  readonly type = "histogram";
  /** `le` values, formatted once. */
  private readonly le: readonly string[];

  constructor(options: HistogramOptions<L>, limits: SeriesLimits) {
    const bounds = checkBuckets(options.name, options.buckets);
    super(options, { limits, createChild: (pairs) => new HistogramChild(pairs, bounds), reservedLabels: ["le"] });
    this.le = [...[...bounds].map(formatValue), "+Inf"];
  }

  override get sampleNames(): readonly string[] {
    return [this.name, `${this.name}_bucket`, `${this.name}_sum`, `${this.name}_count`];
  }

  /** For a histogram without labels. */
  observe(value: number): void {
    this.series.get().observe(value);
  }

  protected renderChild(child: HistogramChild): string {
    const prefix = child.pairs === "" ? "" : `${child.pairs},`;
    let out = "";
    let cumulative = 0;
    for (let i = 0; i < this.le.length; i++) {
      cumulative += child.counts[i]!;
      out += `${this.name}_bucket{${prefix}le="${this.le[i]}"} ${cumulative}\n`;
    }
    const labels = braces(child.pairs);
    return `${out}${this.name}_sum${labels} ${formatValue(child.sum)}\n${this.name}_count${labels} ${child.count}\n`;
  }
}
