/**
 * `openclaw dashboard [--open] [--json]`: the control UI's address with a one-time sign-in
 * code in the fragment (`#bootstrap=<code>`; fragments never reach servers, logs or Referer
 * headers). The code is not the gateway token: it signs in one browser, once, within five
 * minutes, and the browser then keeps its own device token.
 *
 * `--json` prints `{ url, expiresAtMs, port, basePath, signIn: "code" | "none" }`.
 */
import { defineCommand } from "citty";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Options } from "../config/load.ts";
import { BOOTSTRAP_CODE_TTL_MS, mintBootstrapCode } from "../gateway/auth/bootstrap-code.ts";
import { controlUiSettings } from "../gateway/http/control-ui/settings.ts";
import { CliError, EXIT_CONFIG } from "./cli-error.ts";
import { loadCliOptions } from "./cli-options.ts";

export interface DashboardLink {
  url: string;
  expiresAtMs: number | null;
  port: number;
  basePath: string;
  signIn: "code" | "none";
}

export function dashboardLink(options: Readonly<Options>, now: number): DashboardLink {
  const gateway = options.config.gateway ?? {};
  if (gateway.mode === "remote") throw new CliError("this config points at a remote gateway (gateway.mode = \"remote\"); run openclaw dashboard on the gateway host and reach it through an SSH tunnel: ssh -N -L 18789:127.0.0.1:18789 <host>");
  let settings;
  try {
    settings = controlUiSettings(options.config);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_CONFIG);
  }
  if (!settings.enabled) throw new CliError("the control UI is turned off (gateway.controlUi.enabled = false); turn it on with: openclaw config set gateway.controlUi.enabled true", EXIT_CONFIG);
  const base = `http://127.0.0.1:${options.port}${settings.basePath}/`;
  const auth = options.auth;
  if (auth.mode === "none") return { url: base, expiresAtMs: null, port: options.port, basePath: settings.basePath, signIn: "none" };
  if (auth.mode === "trusted-proxy") throw new CliError("this gateway signs users in through its trusted proxy (gateway.auth.mode = \"trusted-proxy\"); open the control UI through that proxy");
  const secret = auth.mode === "token" ? auth.token : auth.password;
  if (!secret) {
    throw new CliError(
      auth.mode === "token"
        ? "no gateway token yet: start the gateway once (openclaw gateway), which creates one, then run openclaw dashboard again"
        : "no gateway password is configured (gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)",
      EXIT_CONFIG,
    );
  }
  const { code, expiresAtMs } = mintBootstrapCode(secret, now);
  return { url: `${base}#bootstrap=${code}`, expiresAtMs, port: options.port, basePath: settings.basePath, signIn: "code" };
}

/**
 * Opens the link in the desktop's browser. The opener gets the path of a private (0600) page
 * that forwards to the link, not the link itself: process arguments are readable by every
 * user of the machine, and the code is a credential until it is used.
 */
async function openInBrowser(url: string): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-dashboard-"));
  const page = join(dir, "open.html");
  const escaped = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  await writeFile(page, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>OpenClaw</title><a href="${escaped}">Open the OpenClaw dashboard</a>\n`, { mode: 0o600 });
  const command = process.platform === "darwin" ? ["open", page] : process.platform === "win32" ? ["cmd", "/c", "start", "", page] : ["xdg-open", page];
  try {
    const proc = Bun.spawn(command, { stdio: ["ignore", "ignore", "ignore"] });
    const code = await proc.exited;
    if (code !== 0) return `${command[0]} exited with code ${code}`;
    // Give the browser time to read the page, then remove it (the code also expires by itself).
    await Bun.sleep(10_000);
    return null;
  } catch (error) {
    return `${command[0]} could not be started (${(error as Error).message})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default defineCommand({
  meta: { name: "dashboard", description: "Print (or --open) the control UI address with a one-time sign-in code" },
  args: {
    open: { type: "boolean", description: "Open it in the default browser", default: false },
    json: { type: "boolean", description: "Print machine-readable JSON", default: false },
  },
  async run({ args }) {
    const options = await loadCliOptions();
    const link = dashboardLink(options, Date.now());
    if (args.json) process.stdout.write(`${JSON.stringify(link, null, 2)}\n`);
    else {
      process.stdout.write(`${link.url}\n`);
      const note =
        link.signIn === "code"
          ? `This link signs in one browser, once, within ${BOOTSTRAP_CODE_TTL_MS / 60_000} minutes; it is not the gateway token. The gateway must be running (openclaw gateway).`
          : "This gateway has no sign-in (gateway.auth.mode = \"none\").";
      process.stderr.write(`${note}\n`);
    }
    if (args.open) {
      const problem = await openInBrowser(link.url);
      if (problem) process.stderr.write(`could not open a browser: ${problem}; open the address above by hand\n`);
    }
  },
});
