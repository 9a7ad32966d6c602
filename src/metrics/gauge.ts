/** A gauge that code sets; for values read at scrape time, register a collected metric instead. */
import { Metric, type MetricOptions } from "./metric.ts";
import type { SeriesLimits } from "./series.ts";
import { braces, formatValue } from "./text-format.ts";

export class GaugeChild {
  value = 0;

  constructor(readonly pairs: string) {}

  set(value: number): void {
    this.value = value;
  }

  inc(amount = 1): void {
    this.value += amount;
  }

  dec(amount = 1): void {
    this.value -= amount;
  }
}

export class Gauge<L extends readonly string[] = []> extends Metric<L, GaugeChild> {
  readonly type = "gauge";

  constructor(options: MetricOptions<L>, limits: SeriesLimits) {
    super(options, { limits, createChild: (pairs) => new GaugeChild(pairs) });
  }

  /** For a gauge without labels. */
  set(value: number): void {
    this.series.get().set(value);
  }

  /** Drops every series, for label sets that come and go (a channel that was removed). */
  reset(): void {
    this.series.clear();
  }

  protected renderChild(child: GaugeChild): string {
    return `${this.name}${braces(child.pairs)} ${formatValue(child.value)}\n`;
  }
}
