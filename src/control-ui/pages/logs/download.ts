/**
 * "Download" on the Logs page: the newest part of the current log file, fetched through
 * `logs.tail` (so over the authenticated socket, no token in any URL) and saved from a Blob.
 * One read returns at most 1 MB or 5000 lines; the result says when the file had more.
 */
import type { LogsTailResult } from "../../../../protocol/methods/logs.ts";
import type { GatewayClient } from "../../gateway/client.ts";

export interface Downloaded {
  fileName: string;
  lines: number;
  /** The file is larger than what one read returns: older lines are not in the download. */
  partial: boolean;
}

export async function downloadLog(gateway: GatewayClient): Promise<Downloaded> {
  const result = await gateway.request<LogsTailResult>("logs.tail", { maxBytes: 1_000_000, limit: 5000 }, { timeoutMs: 30_000 });
  const fileName = result.file.split(/[\\/]/).pop() || "openclaw.log";
  const blob = new Blob(result.lines.map((line) => `${line}\n`), { type: "application/x-ndjson" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by now; the object URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { fileName, lines: result.lines.length, partial: result.truncated === true };
}
