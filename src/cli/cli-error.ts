/** An error the CLI reports as one line (`error: …`) with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit code for configuration errors (EX_CONFIG): supervisors are told not to restart-loop on it. */
export const EXIT_CONFIG = 78;
