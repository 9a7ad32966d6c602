/** A counter: only goes up; restarts at 0 with the process, which Prometheus' rate() expects. */
import { Metric, type MetricOptions } from "./metric.ts";
import { MetricsError } from "./metrics-error.ts";
import type { SeriesLimits } from "./series.ts";
import { braces, formatValue } from "./text-format.ts";

export class CounterChild {
  value = 0;

  constructor(readonly pairs: string) {}

  /** Adds `amount` (default 1); a negative or NaN amount is a bug and throws. */
  inc(amount = 1): void {
    if (!(amount >= 0)) throw new MetricsError(`counter increment must be >= 0, got ${amount}`);
    this.value += amount;
  }
}

export class Counter<L extends readonly string[] = []> extends Metric<L, CounterChild> {
  readonly type = "counter";

  constructor(options: MetricOptions<L>, limits: SeriesLimits) {
    super(options, { limits, createChild: (pairs) => new CounterChild(pairs) });
  }

  /** For a counter without labels. */
  inc(amount = 1): void {
    this.series.get().inc(amount);
  }

  protected renderChild(child: CounterChild): string {
    return `${this.name}${braces(child.pairs)} ${formatValue(child.value)}\n`;
  }
}
