/**
 * Sends the editor's text with the hash of the file it was based on. The gateway refuses the
 * write when the file changed since (someone else saved); that refusal is told apart from an
 * invalid config and from anything else, because each needs a different next step.
 */
import { describeError } from "../../components/describe-error.ts";
import { GatewayRequestError, type GatewayClient } from "../../gateway/client.ts";

export type SaveMode = "set" | "apply";

export type SaveOutcome =
  | { kind: "saved"; mode: SaveMode }
  | { kind: "conflict" }
  | { kind: "invalid"; issues: string[] }
  | { kind: "failed"; message: string }
  /** After a conflict the user kept their text: it is now based on the newer file. */
  | { kind: "rebased" };

export async function saveConfig(gateway: GatewayClient, mode: SaveMode, raw: string, baseHash: string): Promise<SaveOutcome> {
  try {
    await gateway.request(`config.${mode}`, { raw, baseHash }, { timeoutMs: 20_000 });
    return { kind: "saved", mode };
  } catch (error) {
    if (error instanceof GatewayRequestError && error.code === "INVALID_REQUEST") {
      // The gateway names the conflict in details.reason: the file changed (or appeared) since it was read.
      const reason = (error.details as { reason?: unknown } | undefined)?.reason;
      if (reason === "base-hash-mismatch" || reason === "base-hash-required") return { kind: "conflict" };
      const issues = (error.details as { issues?: unknown } | undefined)?.issues;
      if (Array.isArray(issues)) return { kind: "invalid", issues: issues.map(String) };
    }
    if (error instanceof GatewayRequestError && /rate limit/.test(error.message)) {
      const wait = /retry after (\d+)s/.exec(error.message)?.[1];
      return { kind: "failed", message: `Not saved: the gateway takes at most 3 config saves a minute from one device. Wait${wait ? ` ${wait} s` : " a minute"} and save again; your edits are kept.` };
    }
    return { kind: "failed", message: describeError(error, "save the config") };
  }
}
