/** An update step failed in a way the user must hear about; nothing on disk was changed by it. */
export class UpdateError extends Error {
  override name = "UpdateError";
}
