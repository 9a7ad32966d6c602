/** A state word with a colour that matches its meaning (good, in progress, bad, off). */
const TONES: Record<string, string> = {
  ok: "good", running: "good", linked: "good", connected: "good", approved: "good",
  starting: "busy", pending: "busy", connecting: "busy", "not linked": "warn", degraded: "warn",
  failed: "bad", error: "bad", rejected: "bad",
  stopped: "off", disabled: "off", "not configured": "off",
};

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge tone-${TONES[state] ?? "off"}`}>{state}</span>;
}
