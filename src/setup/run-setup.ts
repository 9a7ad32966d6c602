/**
 * `openclaw setup`: a state dir (0700), a config with `gateway.mode = "local"` and a generated
 * token, and the workspace with its canvas folder. Idempotent: what exists is kept, an existing
 * token or password is never replaced, and a second run writes nothing.
 */
import { mkdir, stat } from "node:fs/promises";
import type { Options } from "../config/load.ts";
import { commandHint } from "../cli/command-hint.ts";
import { generateToken } from "../gateway/ensure-secret.ts";
import { getAtPath, parseDocument, setPath } from "../config/config-document.ts";
import { hashConfigText, updateConfig } from "../config/config-writer.ts";
import { seedWorkspace } from "./workspace-files.ts";

/** Where the gateway's secret comes from after setup; never the secret itself. */
export type SecretSource = "generated" | "config-token" | "config-password" | "env-token" | "env-password" | "none";

export interface SetupSummary {
  profile: string | null;
  stateDir: { path: string; created: boolean };
  config: { path: string; created: boolean; changed: string[] };
  secret: { source: SecretSource; location: string | null };
  workspace: { path: string; created: boolean; seeded: string[] };
  canvas: { path: string; created: boolean };
  port: number;
  portSource: Options["portSource"];
  /** Notes for the user (a kept `gateway.mode = "remote"`, …). */
  notes: string[];
  changed: boolean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function ensureDir(path: string): Promise<boolean> {
  if (await exists(path)) return false;
  await mkdir(path, { recursive: true, mode: 0o700 });
  return true;
}

function secretSource(options: Readonly<Options>, doc: Record<string, unknown>): SecretSource {
  const mode = getAtPath(doc, ["gateway", "auth", "mode"]);
  const configured = (key: string) => {
    const value = getAtPath(doc, ["gateway", "auth", key]);
    return typeof value === "string" && value.trim() !== "";
  };
  if (mode !== "password" && configured("token")) return "config-token";
  if (configured("password")) return "config-password";
  if (options.auth.token && mode !== "password") return "env-token";
  if (options.auth.password) return "env-password";
  return "none";
}

export async function runSetup(options: Readonly<Options>): Promise<SetupSummary> {
  const { paths } = options;
  const cmd = (command: string) => commandHint(paths.profile, command);
  const notes: string[] = [];
  const stateCreated = await ensureDir(paths.stateDir);

  const file = Bun.file(paths.configPath);
  const configExisted = await file.exists();
  const raw = configExisted ? await file.text() : null;
  const doc = parseDocument(paths.configPath, raw);
  const changed: string[] = [];

  const mode = getAtPath(doc, ["gateway", "mode"]);
  if (mode === undefined) {
    setPath(doc, ["gateway", "mode"], "local");
    changed.push("gateway.mode");
  } else if (mode !== "local") {
    notes.push(`kept gateway.mode = ${JSON.stringify(mode)}; the gateway only starts here with "local" (${cmd("config set gateway.mode local")})`);
  }

  let source = secretSource(options, doc);
  const authMode = getAtPath(doc, ["gateway", "auth", "mode"]);
  if (source === "none" && (authMode === undefined || authMode === "token")) {
    setPath(doc, ["gateway", "auth", "token"], generateToken());
    changed.push("gateway.auth.token");
    source = "generated";
  } else if (source === "none" && authMode === "password") {
    notes.push(`gateway.auth.mode is "password" but no password is set: ${cmd("config set gateway.auth.password <secret>")}`);
  } else if (source === "none") {
    notes.push(`gateway.auth.mode is ${JSON.stringify(authMode)}; no token generated`);
  }

  // The base hash refuses the write, instead of undoing someone else's, if the file changed since it was read above.
  if (changed.length > 0 || !configExisted) await updateConfig({ path: paths.configPath, baseHash: hashConfigText(raw), edit: () => doc });

  const workspaceCreated = await ensureDir(options.workspace);
  const seeded = await seedWorkspace(options.workspace);
  const canvasCreated = await ensureDir(options.canvas.root);
  const location =
    source === "generated" || source === "config-token" ? `${paths.configPath} (gateway.auth.token)`
    : source === "config-password" ? `${paths.configPath} (gateway.auth.password)`
    : source === "env-token" ? "the OPENCLAW_GATEWAY_TOKEN environment variable"
    : source === "env-password" ? "the OPENCLAW_GATEWAY_PASSWORD environment variable"
    : null;

  return {
    profile: paths.profile,
    stateDir: { path: paths.stateDir, created: stateCreated },
    config: { path: paths.configPath, created: !configExisted, changed },
    secret: { source, location },
    workspace: { path: options.workspace, created: workspaceCreated, seeded },
    canvas: { path: options.canvas.root, created: canvasCreated },
    port: options.port,
    portSource: options.portSource,
    notes,
    changed: stateCreated || !configExisted || changed.length > 0 || workspaceCreated || canvasCreated || seeded.length > 0,
  };
}
