/** The shape of a doctor finding and of a repair it can offer. */
import type { Options } from "../config/load.ts";
import type { ConfigError } from "../config/read-config.ts";

export type CheckStatus = "ok" | "warn" | "error";

export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  /** What the user can do about it (a command or an action), when not ok. */
  fix?: string;
}

/** A repair `doctor --fix` can apply. `apply` returns what it did, one line. */
export interface Fix {
  id: string;
  description: string;
  apply(): Promise<string>;
}

export interface CheckResult {
  checks: Check[];
  fixes: Fix[];
}

export interface DoctorContext {
  options: Readonly<Options>;
  configError: ConfigError | null;
}

export const ok = (id: string, message: string): Check => ({ id, status: "ok", message });
export const warn = (id: string, message: string, fix?: string): Check => ({ id, status: "warn", message, ...(fix ? { fix } : {}) });
export const error = (id: string, message: string, fix?: string): Check => ({ id, status: "error", message, ...(fix ? { fix } : {}) });
