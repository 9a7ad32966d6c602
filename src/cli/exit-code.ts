/** The exit code a command asks for without throwing (the gateway's, once it has stopped). */
let code = 0;

export function setExitCode(value: number): void {
  code = value;
}

export function exitCode(): number {
  return code;
}
