/** Ages for the admin pages, on top of the shared `formatAgo`: "never" for a missing stamp. */
import { formatAgo } from "../../components/format.ts";

export function timeAgo(ms: number | null | undefined, now = Date.now()): string {
  return ms ? formatAgo(ms, now) : "never";
}

/** The exact local time, for a `title` beside the short form. */
export function exactTime(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleString() : "";
}
