/**
 * DM pairing: the owner lists the codes unknown senders were given and approves one, which
 * lets that sender talk to the account (channels-and-models.md §3.4). Node and device pairing
 * are `node.pair.*` and `device.pair.*`.
 */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

const name = () => t.string({ minLength: 1, maxLength: 128 });

export const DmPairingRequest = t.object({
  channel: t.string(),
  accountId: t.string(),
  senderId: t.string(),
  /** 8 characters from `ABCDEFGHJKLMNPQRSTUVWXYZ23456789`. */
  code: t.string(),
  createdAt: t.integer(),
  lastSeenAt: t.integer(),
  meta: t.nullable(t.object({ name: t.optional(t.string()), username: t.optional(t.string()) })),
});
export type DmPairingRequest = Static<typeof DmPairingRequest>;

export const PairingListParams = t.object({ channel: t.optional(name()) });
export type PairingListParams = Static<typeof PairingListParams>;
export const PairingListResult = t.object({ requests: t.array(DmPairingRequest) });

/** `code` is matched whatever its case; without `accountId` the code's own account is used. */
export const PairingApproveParams = t.object({
  channel: name(),
  code: t.string({ minLength: 1, maxLength: 64 }),
  accountId: t.optional(name()),
});
export type PairingApproveParams = Static<typeof PairingApproveParams>;
export const PairingApproveResult = t.object({
  ok: t.literal(true),
  channel: t.string(),
  accountId: t.string(),
  senderId: t.string(),
});

export const pairingMethods = {
  "pairing.list": method({ params: PairingListParams, result: PairingListResult, scope: Scopes.PAIRING }),
  "pairing.approve": method({ params: PairingApproveParams, result: PairingApproveResult, scope: Scopes.PAIRING }),
};
