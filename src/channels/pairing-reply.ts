/**
 * The one message an unknown DM sender gets under `dmPolicy: "pairing"`: their id, the code and
 * the exact command the owner runs (channels-and-models.md §3.4). It names no agent, model or
 * owner: a stranger learns only that a code is needed.
 */
export function pairingReply(channel: string, senderId: string, code: string): string {
  return [
    "OpenClaw: access not configured.",
    `Your ${channel} user id: ${senderId}`,
    `Pairing code: ${code}`,
    `Ask the bot owner to approve with:\nopenclaw pairing approve ${channel} ${code}`,
  ].join("\n\n");
}
