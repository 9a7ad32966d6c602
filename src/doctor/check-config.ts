/** Doctor checks on the config: it parses and validates, `gateway.mode`, and the gateway secret. */
import { commandHint } from "../cli/command-hint.ts";
import { envValue } from "../config/paths.ts";
import { error, ok, warn, type Check, type DoctorContext } from "./check.ts";

/** Secrets that ship in examples and packagers' env files; the gateway refuses them too. */
const KNOWN_DEFAULT_SECRETS = new Set(["openclaw-changeme", "clawdbot-changeme", "moltbot-changeme", "changeme", "change-me", "password", "secret", "token", "openclaw"]);
const MIN_SECRET_LENGTH = 16;

export function checkConfigFile({ options, configError }: DoctorContext): Check[] {
  const { file } = options;
  const cmd = (command: string) => commandHint(options.paths.profile, command);
  if (configError) {
    return configError.problems.map((problem) =>
      error("config", `${file.path}: ${problem}`, `fix the value (${cmd("config set <path> <value>")} / ${cmd("config unset <path>")})`),
    );
  }
  if (!file.exists) return [warn("config", `no config file at ${file.path}`, `run: ${cmd("setup")}`)];
  const checks = [ok("config", `config ${file.path} parses and validates`)];
  for (const warning of file.warnings) {
    const key = /unknown config key (\S+)/.exec(warning)?.[1];
    checks.push(warn("config.unknown-key", warning, key ? `remove it: ${cmd(`config unset ${key}`)}` : undefined));
  }
  return checks;
}

export function checkGatewayMode({ options, configError }: DoctorContext): Check[] {
  if (configError) return [];
  const mode = options.config.gateway?.mode;
  const cmd = (command: string) => commandHint(options.paths.profile, command);
  if (mode === "local") return [ok("gateway.mode", 'gateway.mode is "local"')];
  if (mode === "remote") {
    return [warn("gateway.mode", 'gateway.mode is "remote": this machine is a client; the gateway will not start here', `to run the gateway here: ${cmd("config set gateway.mode local")}`)];
  }
  return [error("gateway.mode", "gateway.mode is not set: the gateway refuses to start", `run: ${cmd("setup")} (or: ${cmd("config set gateway.mode local")})`)];
}

export function checkAuth({ options, configError }: DoctorContext): Check[] {
  if (configError) return [];
  const { auth } = options;
  const cmd = (command: string) => commandHint(options.paths.profile, command);
  if (auth.mode === "none") {
    const loopback = options.bindHost === "127.0.0.1";
    const message = `gateway.auth.mode is "none": anyone who can reach port ${options.port} controls the gateway`;
    return [loopback ? warn("auth", message, `set a token: ${cmd("config unset gateway.auth.mode")} && ${cmd("setup")}`) : error("auth", message, "set gateway.auth.token or gateway.auth.password")];
  }
  if (auth.mode === "trusted-proxy") return [warn("auth", 'gateway.auth.mode "trusted-proxy" is not supported by this build yet', "use token or password auth")];
  const kind = auth.mode;
  const secret = kind === "password" ? auth.password : auth.token;
  if (!secret) {
    return [
      error(
        "auth",
        `no gateway ${kind} is configured (gateway.auth.${kind} or OPENCLAW_GATEWAY_${kind.toUpperCase()})`,
        kind === "token" ? `run: ${cmd("setup")} (it generates one)` : cmd("config set gateway.auth.password <secret>"),
      ),
    ];
  }
  const envName = (["OPENCLAW", "CLAWDBOT"].map((p) => `${p}_GATEWAY_${kind.toUpperCase()}`)).find((name) => envValue(options.env, name));
  const where = auth.source === "env" && envName ? `the ${envName} environment variable` : `gateway.auth.${kind}`;
  if (KNOWN_DEFAULT_SECRETS.has(secret.toLowerCase())) {
    const fix = kind === "token" ? `set a random one: ${cmd("config unset gateway.auth.token")} && ${cmd("setup")}` : cmd("config set gateway.auth.password <a long random secret>");
    return [error("auth", `the gateway ${kind} in ${where} is a well-known default; the gateway refuses to start with it`, fix)];
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    return [warn("auth", `the gateway ${kind} in ${where} is shorter than ${MIN_SECRET_LENGTH} characters`, `use a longer random secret (${cmd("setup")} generates one)`)];
  }
  return [ok("auth", `a gateway ${kind} is set (${where})`)];
}
