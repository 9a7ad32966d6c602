/** What every bench script shares: its `--name value` options and the shape of a result row. */

const argv = Bun.argv.slice(2);

/** `--name <number>`, or `fallback` when absent. */
export function numberOption(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
}

/** `--name <text>`, or undefined when absent. */
export function textOption(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export const flag = (name: string) => argv.includes(`--${name}`);

/** One line of a bench table (and of its `--json` output). */
export interface Row {
  /** Stable key for --json consumers. */
  id: string;
  metric: string;
  value: number | null;
  unit: string;
  budget?: string;
  pass?: boolean | null;
  note?: string;
}
