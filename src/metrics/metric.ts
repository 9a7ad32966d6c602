/** What every metric kind shares: name, help, labels, the series table and its header. */
import { SeriesTable, type SeriesLimits } from "./series.ts";
import { checkLabelNames, checkMetricName, header, type MetricType } from "./text-format.ts";

/** One string per label name, in the order the metric declared them. */
export type LabelValues<L extends readonly string[]> = { readonly [K in keyof L]: string };

export interface MetricOptions<L extends readonly string[]> {
  /** Prometheus metric name, e.g. `openclaw_rpc_requests_total`; unique in its registry. */
  name: string;
  /** One line for `# HELP`. */
  help: string;
  /** Label names; values are passed to `labels()` in this order. Default: none. */
  labelNames?: L;
}

/** Anything a registry can render: the built-in kinds and callback-collected metrics. */
export interface Renderable {
  readonly name: string;
  /** Every sample name it writes (`x_bucket`, `x_sum`, … for a histogram), for collision checks. */
  readonly sampleNames: readonly string[];
  /** Series that were refused because of the cap. */
  readonly dropped: number;
  render(): string;
}

export abstract class Metric<L extends readonly string[], C> implements Renderable {
  readonly name: string;
  readonly help: string;
  readonly labelNames: L;
  abstract readonly type: MetricType;
  protected readonly series: SeriesTable<C>;
  /** The series for these label values (allocation-free once it exists); keep it to skip even the lookup. */
  readonly labels: (...values: LabelValues<L>) => C;

  constructor(options: MetricOptions<L>, kind: { limits: SeriesLimits; createChild: (pairs: string) => C; reservedLabels?: readonly string[] }) {
    const { limits, createChild, reservedLabels = [] } = kind;
    checkMetricName(options.name);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? ([] as unknown as L);
    checkLabelNames(options.name, this.labelNames, reservedLabels);
    const series = (this.series = new SeriesTable({ metric: options.name, labelNames: this.labelNames, limits, create: createChild }));
    // Positional parameters on purpose (see SeriesTable.get); the declared type keeps callers to the right count.
    this.labels = ((a?: string, b?: string, c?: string, d?: string) => series.get(a, b, c, d)) as unknown as (...values: LabelValues<L>) => C;
  }

  get sampleNames(): readonly string[] {
    return [this.name];
  }

  get dropped(): number {
    return this.series.dropped;
  }

  render(): string {
    let out = header(this.name, this.help, this.type);
    for (const child of this.series.children) out += this.renderChild(child);
    return out;
  }

  protected abstract renderChild(child: C): string;
}
