/**
 * `pairing.*`: the owner's side of DM pairing (channels-and-models.md §3.4). The rules (TTL,
 * the per-account cap, code matching) live in the pairing store; here they meet the wire. An
 * expired code and one never issued answer alike: the owner's next step is the same.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { pairingMethods as pairingRecords } from "../../../protocol/methods/pairing.ts";
import type { HandlersOf } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";

type PairingMethods = HandlersOf<typeof pairingRecords>;

export const dmPairingMethods: PairingMethods = {
  "pairing.list": ({ channel }, { services }) => ({ requests: services.pairingStore.list(channel, services.now()) }),
  "pairing.approve": ({ channel, code, accountId }, { services }) => {
    const approved = services.pairingStore.approve(channel, code, services.now(), accountId);
    if (!approved) throw new RpcError(ErrorCodes.INVALID_REQUEST, "unknown or expired pairing code");
    services.log.info(`DM pairing approved: ${approved.channel}/${approved.accountId} sender ${approved.senderId}`);
    return { ok: true, channel: approved.channel, accountId: approved.accountId, senderId: approved.senderId };
  },
};
