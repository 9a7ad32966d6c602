/**
 * Secret redaction for everything the gateway writes: known secret values registered at run
 * time (the gateway token, device tokens), secret-looking keys in logged objects, and
 * credential patterns in free text (bearer headers, `token=` in URLs).
 */

const MASK = "***";
const SECRET_KEY = /^(token|password|secret|apikey|api_key|authorization|devicetoken|bootstraptoken|bottoken|privatekey|privatekeypem|accesstoken|refreshtoken|cookie)$/i;
const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${MASK}`],
  [/([?#&;](?:token|password|access_token|key|secret|bootstrap)=)[^&\s#"']+/gi, `$1${MASK}`],
  [/\b(\d{6,12}):[A-Za-z0-9_-]{30,}\b/g, `$1:${MASK}`], // Telegram bot tokens
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be written anywhere. Short values are ignored (too many false hits). */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  removeSecret(value: string): void {
    this.secrets.delete(value);
  }

  redactText(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** A deep copy of `value` with secret-named keys masked; cycles and depth are bounded. */
  redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === "string") return this.redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Error) return { name: value.name, message: this.redactText(value.message), stack: value.stack && this.redactText(value.stack) };
    if (depth > 8 || seen.has(value)) return "[…]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && item != null && item !== "" ? MASK : this.redactValue(item, depth + 1, seen);
    }
    return out;
  }
}
