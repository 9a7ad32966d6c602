/**
 * A counter or gauge whose values are read at scrape time by a callback (RSS, CPU seconds,
 * connections by role), so nothing has to keep it up to date between scrapes.
 */
import type { LabelValues, MetricOptions, Renderable } from "./metric.ts";
import { MetricsError } from "./metrics-error.ts";
import type { SeriesLimits } from "./series.ts";
import { braces, checkLabelNames, checkMetricName, formatValue, header, labelPairs } from "./text-format.ts";

export type Emit<L extends readonly string[]> = (value: number, ...labelValues: LabelValues<L>) => void;

export interface CollectedOptions<L extends readonly string[]> extends MetricOptions<L> {
  type: "counter" | "gauge";
  /** Called on every render; call `emit` once per series (not at all to leave the metric empty). */
  collect: (emit: Emit<L>) => void;
}

export class CollectedMetric<L extends readonly string[] = []> implements Renderable {
  readonly name: string;
  readonly sampleNames: readonly string[];
  dropped = 0;
  /** Renders whose callback threw. */
  failures = 0;
  private readonly labelNames: readonly string[];

  constructor(
    private readonly options: CollectedOptions<L>,
    private readonly limits: SeriesLimits,
    private readonly onError?: (metric: string, error: unknown) => void,
  ) {
    checkMetricName(options.name);
    this.name = options.name;
    this.sampleNames = [options.name];
    this.labelNames = options.labelNames ?? [];
    checkLabelNames(options.name, this.labelNames);
  }

  render(): string {
    let body = "";
    let series = 0;
    const { maxSeries, maxLabelValueLength } = this.limits;
    const emit = (value: number, ...values: string[]) => {
      if (values.length !== this.labelNames.length) throw new MetricsError(`${this.name} takes ${this.labelNames.length} label value(s), got ${values.length}`);
      if (series >= maxSeries) {
        this.dropped++;
        return;
      }
      series++;
      const cut = values.map((v) => (v.length > maxLabelValueLength ? v.slice(0, maxLabelValueLength) : v));
      body += `${this.name}${braces(labelPairs(this.labelNames, cut))} ${formatValue(value)}\n`;
    };
    try {
      this.options.collect(emit as Emit<L>);
    } catch (error) {
      // One broken source must not take the whole scrape down; the metric shows no series.
      this.failures++;
      body = "";
      this.onError?.(this.name, error);
    }
    return header(this.name, this.options.help, this.options.type) + body;
  }
}
