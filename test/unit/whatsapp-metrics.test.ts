/**
 * WhatsApp's own metrics: a socket's open and close counted by close-code name (on the fake
 * socket), auth-store commits counted and timed by kind (over a real store in a temp dir), and
 * one set of metrics per registry however many accounts ask.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Curve } from "@whiskeysockets/baileys";
import { ChannelFatalError } from "../../src/channels/types.ts";
import { openWhatsAppAuthState } from "../../src/channels/whatsapp/auth-state.ts";
import { closeReasonLabel, whatsappMetrics } from "../../src/channels/whatsapp/metrics.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { openStore } from "../../src/store/database.ts";
import { makeRig, type Rig } from "./whatsapp-rig.ts";

let rig: Rig | undefined;
let dir: string | undefined;

afterEach(async () => {
  await rig?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  rig = dir = undefined;
});

/** The value of one sample line in the text format, or undefined when absent. */
function sample(registry: MetricsRegistry, line: string): number | undefined {
  const found = registry.render().split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

test("a 515 and then a 440 are counted as closes by code name, each open as connected", async () => {
  const registry = new MetricsRegistry();
  rig = await makeRig({ adapter: { metrics: whatsappMetrics(registry) } });
  const outcome = rig.start();
  await rig.wa.waitForSockets(1);
  await rig.changed.waitFor("connected", () => (rig!.status().connected ? true : undefined));
  rig.wa.current!.close(515);
  const second = await rig.wa.waitForSockets(2);
  await rig.changed.waitFor("connected again", () => (second.user && rig!.status().connected ? true : undefined));
  rig.wa.current!.close(440);
  const result = await outcome;
  expect(result.ok).toBe(false);
  expect((result as { error: unknown }).error).toBeInstanceOf(ChannelFatalError);

  const changes = "openclaw_whatsapp_connection_changes_total";
  expect(sample(registry, `${changes}{state="open",reason="connected"}`)).toBe(2);
  expect(sample(registry, `${changes}{state="close",reason="restartRequired"}`)).toBe(1);
  expect(sample(registry, `${changes}{state="close",reason="connectionReplaced"}`)).toBe(1);
});

test("close reasons stay within the close-code table", () => {
  expect(closeReasonLabel({ kind: "fatal", statusCode: 401 })).toBe("loggedOut");
  expect(closeReasonLabel({ kind: "retry", statusCode: 408 })).toBe("connectionLost");
  // A proxy's 403 to the upgrade is a network problem, not a ban.
  expect(closeReasonLabel({ kind: "retry", statusCode: 403 })).toBe("handshake");
  expect(closeReasonLabel({ kind: "retry" })).toBe("network");
  expect(closeReasonLabel({ kind: "retry", statusCode: 502 })).toBe("other");
  expect(closeReasonLabel({ kind: "stopped" })).toBe("stopped");
  expect(closeReasonLabel({ kind: "not-linked" })).toBe("notLinked");
});

test("a creds commit and a keys commit are counted and timed by kind", async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-wa-metrics-"));
  const db = openStore(dir);
  try {
    const registry = new MetricsRegistry();
    const auth = await openWhatsAppAuthState({ db, accountId: "default", stateDir: dir, metrics: whatsappMetrics(registry) });
    await auth.saveCreds();
    await auth.state.keys.set({ "pre-key": { "1": Curve.generateKeyPair() } });

    expect(sample(registry, `openclaw_whatsapp_auth_commits_total{kind="creds"}`)).toBe(1);
    expect(sample(registry, `openclaw_whatsapp_auth_commits_total{kind="keys"}`)).toBe(1);
    expect(sample(registry, `openclaw_whatsapp_auth_commit_seconds_count{kind="creds"}`)).toBe(1);
    expect(sample(registry, `openclaw_whatsapp_auth_commit_seconds_count{kind="keys"}`)).toBe(1);
    expect(sample(registry, `openclaw_whatsapp_auth_commit_seconds_sum{kind="keys"}`)).toBeGreaterThanOrEqual(0);
  } finally {
    db.close();
  }
});

test("every account on one registry shares one set of metrics (the registry refuses a second)", () => {
  const registry = new MetricsRegistry();
  expect(whatsappMetrics(registry)).toBe(whatsappMetrics(registry));
  expect(whatsappMetrics(new MetricsRegistry())).not.toBe(whatsappMetrics(registry));
});
