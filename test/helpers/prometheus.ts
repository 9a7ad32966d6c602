/**
 * A strict parser for the Prometheus text format (0.0.4), written from the format's
 * description: sample syntax, HELP/TYPE before samples, families not interleaved, no duplicate
 * series, histogram buckets cumulative and ending in +Inf equal to _count, and escaping.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  type: string;
  help: string | undefined;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
const FLOAT = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (${FLOAT})$`);
const PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`);

function unescape(text: string, quote: boolean): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (c === "n") return "\n";
    if (c === "\\" || (quote && c === '"')) return c;
    throw new Error(`bad escape \\${c}`);
  });
}

function parseFloatStrict(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return text === "NaN" ? NaN : Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = PAIR.exec(rest);
    if (!m) throw new Error(`bad label set in: ${line}`);
    if (Object.hasOwn(labels, m[1]!)) throw new Error(`duplicate label ${m[1]} in: ${line}`);
    labels[m[1]!] = unescape(m[2]!, true);
    rest = rest.slice(m[0].length);
    if (rest.startsWith(",")) rest = rest.slice(1);
    else if (rest.length > 0) throw new Error(`expected , in: ${line}`);
  }
  return labels;
}

/** The family a sample name belongs to, given the declared types. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sample);
  if (direct && direct.type !== "histogram") return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(sample);
  const base = m ? families.get(m[1]!) : undefined;
  return base?.type === "histogram" ? base : undefined;
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${s.name} without le`);
      group.buckets.push([parseFloatStrict(le), s.value]);
    } else if (le !== undefined) throw new Error(`${s.name} must not have le`);
    else if (s.name.endsWith("_sum")) group.sum = s.value;
    else group.count = s.value;
  }
  for (const [key, g] of groups) {
    if (g.sum === undefined || g.count === undefined) throw new Error(`${family.name}${key}: _sum and _count are required`);
    const last = g.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${family.name}${key}: buckets must end with le="+Inf"`);
    if (last[1] !== g.count) throw new Error(`${family.name}${key}: +Inf bucket ${last[1]} != _count ${g.count}`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]![0] > g.buckets[i - 1]![0])) throw new Error(`${family.name}${key}: le not increasing`);
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
  }
}

export function parseExposition(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("output must end with a newline");
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | undefined;
  const closed = new Set<string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name in: ${line}`);
      if (current && current.name !== name) closed.add(current.name);
      if (closed.has(name)) throw new Error(`family ${name} is interleaved`);
      const family = families.get(name) ?? { name, type: "untyped", help: undefined, samples: [] };
      if (family.samples.length > 0) throw new Error(`${kind} for ${name} after its samples`);
      if (kind === "HELP") {
        if (family.help !== undefined) throw new Error(`second HELP for ${name}`);
        family.help = unescape(rest, false);
      } else {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(`bad type in: ${line}`);
        if (family.type !== "untyped") throw new Error(`second TYPE for ${name}`);
        family.type = rest;
      }
      families.set(name, family);
      current = family;
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${JSON.stringify(line)}`);
    const family = familyOf(m[1]!, families);
    if (!family) throw new Error(`sample ${m[1]} has no HELP/TYPE before it`);
    if (family !== current) throw new Error(`sample ${m[1]} is not in its family's block`);
    const sample = { name: m[1]!, labels: parseLabels(m[2] ?? "", line), value: parseFloatStrict(m[3]!) };
    const id = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(id)) throw new Error(`duplicate series ${id}`);
    series.add(id);
    if (family.type === "counter" && !(sample.value >= 0)) throw new Error(`negative counter in: ${line}`);
    family.samples.push(sample);
  }
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

export function valueOf(families: Map<string, Family>, sample: string, labels: Record<string, string> = {}): number | undefined {
  const family = familyOf(sample, families);
  return family?.samples.find((s) => s.name === sample && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

