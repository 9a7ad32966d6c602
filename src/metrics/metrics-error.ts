/** A metric misused by our own code: a bad or duplicate name, wrong label count, a counter going down. */
export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetricsError";
  }
}
