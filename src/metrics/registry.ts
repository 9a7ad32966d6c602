/**
 * The one metrics registry of a gateway. Parts register their metrics by name (a duplicate,
 * or a name a histogram's `_bucket`/`_sum`/`_count` would write, throws) and `render()` writes
 * the Prometheus text format for `GET /metrics`.
 */
import { CollectedMetric, type CollectedOptions } from "./collected.ts";
import { Counter } from "./counter.ts";
import { Gauge } from "./gauge.ts";
import { Histogram, type HistogramOptions } from "./histogram.ts";
import type { MetricOptions, Renderable } from "./metric.ts";
import { MetricsError } from "./metrics-error.ts";
import type { SeriesLimits } from "./series.ts";

export interface MetricsRegistryOptions {
  /**
   * Distinct label combinations kept per metric; updates to further ones are ignored and
   * counted in `openclaw_metrics_series_dropped_total{metric}`. Default 1000.
   */
  maxSeriesPerMetric?: number;
  /** Label values are cut to this many characters. Default 128. */
  maxLabelValueLength?: number;
  /** Told when a collected metric's callback throws (the scrape goes on without it). Default: nobody. */
  onCollectError?: (metric: string, error: unknown) => void;
}

export const SERIES_DROPPED_METRIC = "openclaw_metrics_series_dropped_total";

export class MetricsRegistry {
  private readonly metrics: Renderable[] = [];
  private readonly taken = new Set<string>();
  private readonly limits: SeriesLimits;
  /** Rendered last, after everything it reports on. */
  private readonly droppedSeries: CollectedMetric<["metric"]>;

  constructor(private readonly options: MetricsRegistryOptions = {}) {
    this.limits = Object.freeze({ maxSeries: options.maxSeriesPerMetric ?? 1000, maxLabelValueLength: options.maxLabelValueLength ?? 128 });
    this.droppedSeries = new CollectedMetric({
      name: SERIES_DROPPED_METRIC,
      help: "Updates ignored because their label set was new and the metric had reached its series limit",
      type: "counter",
      labelNames: ["metric"],
      collect: (emit) => {
        for (const metric of this.metrics) if (metric.dropped > 0) emit(metric.dropped, metric.name);
      },
    }, this.limits);
    this.taken.add(SERIES_DROPPED_METRIC);
  }

  counter<const L extends readonly string[] = []>(options: MetricOptions<L>): Counter<L> {
    return this.add(new Counter(options, this.limits));
  }

  gauge<const L extends readonly string[] = []>(options: MetricOptions<L>): Gauge<L> {
    return this.add(new Gauge(options, this.limits));
  }

  histogram<const L extends readonly string[] = []>(options: HistogramOptions<L>): Histogram<L> {
    return this.add(new Histogram(options, this.limits));
  }

  /** A counter or gauge read by a callback at each scrape. */
  collected<const L extends readonly string[] = []>(options: CollectedOptions<L>): void {
    this.add(new CollectedMetric(options, this.limits, this.options.onCollectError));
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** The whole registry in the text format 0.0.4, metrics in registration order. */
  render(): string {
    let out = "";
    for (const metric of this.metrics) out += metric.render();
    return out + this.droppedSeries.render();
  }

  private add<M extends Renderable>(metric: M): M {
    const clash = metric.sampleNames.find((name) => this.taken.has(name));
    if (clash !== undefined) throw new MetricsError(`metric name ${clash} is already registered`);
    for (const name of metric.sampleNames) this.taken.add(name);
    this.metrics.push(metric);
    return metric;
  }
}
