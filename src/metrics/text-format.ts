/**
 * The Prometheus text exposition format 0.0.4: name rules, escaping and number syntax. Label
 * text is escaped once when a series is created, so a scrape only concatenates.
 */
import { MetricsError } from "./metrics-error.ts";

/** What `GET /metrics` answers with. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type MetricType = "counter" | "gauge" | "histogram";

export function checkMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new MetricsError(`invalid metric name ${JSON.stringify(name)}`);
}

export function checkLabelNames(metric: string, labelNames: readonly string[], reserved: readonly string[] = []): void {
  for (const label of labelNames) {
    // `__` names are reserved for Prometheus itself.
    if (!LABEL_NAME.test(label) || label.startsWith("__") || reserved.includes(label)) {
      throw new MetricsError(`invalid label name ${JSON.stringify(label)} for ${metric}`);
    }
  }
  if (new Set(labelNames).size !== labelNames.length) throw new MetricsError(`duplicate label name for ${metric}`);
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `a="x",b="y"` (no braces), so histogram buckets can append `le`. */
export function labelPairs(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) out += `${i > 0 ? "," : ""}${names[i]}="${escapeLabelValue(values[i]!)}"`;
  return out;
}

export function braces(pairs: string): string {
  return pairs === "" ? "" : `{${pairs}}`;
}

export function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

export function header(name: string, help: string, type: MetricType): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}
