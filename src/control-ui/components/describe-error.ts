/** One sentence for a failed request: what failed, why (the gateway's words), and what to do. */
import { GatewayRequestError } from "../gateway/client.ts";

export function describeError(error: unknown, action: string): string {
  if (error instanceof GatewayRequestError) {
    if (error.code === "TIMEOUT" || error.code === "DISCONNECTED") return `Could not ${action}: ${error.message}.`;
    if (/missing scope/.test(error.message)) return `Could not ${action}: ${error.message}. Sign in with the gateway token or a device that has that scope.`;
    return `Could not ${action}: ${error.message}. Check the input and retry; the gateway log has details.`;
  }
  return `Could not ${action}: ${error instanceof Error ? error.message : String(error)}. Reload the page and retry.`;
}
