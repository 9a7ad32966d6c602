/**
 * `openclaw doctor --import <dir>`: takes an existing (reference) OpenClaw state dir into ours.
 * Its config is merged over ours (theirs wins; ours is kept as `.bak`), its paired devices and
 * their tokens go into our store, its client identity is copied when we have none, and its
 * WhatsApp multi-file sessions go into our store (`import-whatsapp.ts`) for accounts we have not
 * linked (all of them with `force`, ours backed up first). Nothing in the source dir is changed.
 */
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Options } from "../config/load.ts";
import { ConfigError } from "../config/read-config.ts";
import { parseDocument, type ConfigObject } from "../config/config-document.ts";
import { updateConfig } from "../config/config-writer.ts";
import { mergePatch } from "../config/merge-patch.ts";
import { openStore } from "../store/database.ts";
import { probePort } from "./check-ports.ts";
import { copyPrivateFile } from "./copy-tree.ts";
import { importDevices, type DeviceImport } from "./import-devices.ts";
import { importWhatsAppSessions, type WhatsAppImport } from "./import-whatsapp.ts";

const CONFIG_NAMES = ["openclaw.json", "clawdbot.json", "moltbot.json", "moldbot.json"];

export interface ImportSummary {
  source: string;
  stateDir: string;
  config: { from: string | null; status: "merged" | "missing" | "refused"; into: string; backup?: string; problems: string[]; warnings: string[] };
  devices: DeviceImport;
  identity: "copied" | "kept-ours" | "missing";
  whatsapp: WhatsAppImport[];
  /** Things the source has that this build does not import yet. */
  notImported: string[];
  warnings: string[];
  ok: boolean;
}

export class ImportError extends Error {
  override name = "ImportError";
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function importConfig(source: string, options: Readonly<Options>): Promise<ImportSummary["config"]> {
  const into = options.paths.configPath;
  let from: string | null = null;
  for (const name of CONFIG_NAMES) {
    if (await exists(join(source, name))) {
      from = join(source, name);
      break;
    }
  }
  if (!from) return { from, status: "missing", into, problems: [], warnings: [] };
  try {
    const theirs = parseDocument(from, await readFile(from, "utf8"));
    let hadOurs = false;
    // Merged over our file as it is at the moment of writing, inside the writer's critical section.
    const { file } = await updateConfig({
      path: into,
      edit: (current) => {
        hadOurs = current.raw !== null;
        return mergePatch(current.document(), theirs) as ConfigObject;
      },
    });
    const warnings = [...file.warnings];
    if ("$include" in theirs) warnings.push(`${from} uses $include, which is copied as it is; check the included files`);
    return { from, status: "merged", into, ...(hadOurs ? { backup: `${into}.bak` } : {}), problems: [], warnings };
  } catch (error) {
    if (error instanceof ConfigError) return { from, status: "refused", into, problems: [...error.problems], warnings: [] };
    throw error;
  }
}

async function importIdentity(source: string, stateDir: string): Promise<ImportSummary["identity"]> {
  const theirs = join(source, "identity");
  const ours = join(stateDir, "identity");
  if (!(await exists(join(theirs, "device.json")))) return "missing";
  if (await exists(join(ours, "device.json"))) return "kept-ours";
  await copyPrivateFile(join(theirs, "device.json"), join(ours, "device.json"));
  await copyPrivateFile(join(theirs, "device-auth.json"), join(ours, "device-auth.json"));
  return "copied";
}

export interface ImportFlags {
  /** Replace WhatsApp accounts we have linked (ours are backed up first). Default false. */
  force?: boolean;
}

export async function importState(sourceDir: string, options: Readonly<Options>, flags: ImportFlags = {}): Promise<ImportSummary> {
  const source = resolve(sourceDir);
  const { stateDir } = options.paths;
  if (!(await stat(source).then((s) => s.isDirectory(), () => false))) throw new ImportError(`${source} is not a directory`);
  if (source === resolve(stateDir)) throw new ImportError(`${source} is our own state dir; pass the other installation's state dir`);

  const warnings: string[] = [];
  const port = await probePort(options.port);
  if (port.inUse) {
    warnings.push(`something is listening on port ${options.port}${port.gateway ? " (a running gateway)" : ""}; restart the gateway after the import if it does not pick up the changes`);
  }

  const config = await importConfig(source, options);
  const db = openStore(stateDir);
  let devices: DeviceImport;
  let whatsapp: WhatsAppImport[];
  try {
    devices = await importDevices(join(source, "devices", "paired.json"), db);
    whatsapp = await importWhatsAppSessions({ sourceDir: source, stateDir, db, force: flags.force });
  } finally {
    db.close();
  }
  const identity = await importIdentity(source, stateDir);
  for (const account of whatsapp) {
    if (account.status === "kept-ours") {
      warnings.push(`WhatsApp account ${account.accountId} is already linked here; kept ours (--force replaces it, backing ours up first)`);
    }
  }

  const notImported: string[] = [];
  for (const rest of [join("nodes", "paired.json"), "agents", join("cron", "jobs.json")]) {
    if (await exists(join(source, rest))) notImported.push(rest);
  }
  const ok = config.status !== "refused" && devices.skipped.length === 0 && whatsapp.every((account) => account.status !== "skipped");
  return { source, stateDir, config, devices, identity, whatsapp, notImported, warnings, ok };
}
