/**
 * Per-(device, role) tokens (protocol.md §3.5, §3.8): issued on a successful connect, accepted
 * in place of the shared secret, rotated and revoked by operators. Every operation returns
 * what happened; turning that into a wire error is the caller's business.
 */
import { scopeSatisfied } from "../../../protocol/scopes.ts";
import type { DeviceStore, DeviceToken } from "../../store/devices.ts";
import { newPairingToken, secretsEqual } from "./tokens.ts";

/** Every requested scope is covered by an approved one (admin covers all, write covers read). */
export function scopesCovered(approved: readonly string[], requested: readonly string[]): boolean {
  return requested.every((scope) => scopeSatisfied(approved, scope));
}

export interface TokenPresentation {
  deviceId: string;
  role: string;
  /** The secret the client sent; absent means nothing to check. */
  presented: string | undefined;
  /** The scopes the client asks for on this connect. */
  scopes: readonly string[];
}

export type TokenCheck =
  | { status: "valid"; token: DeviceToken }
  /** No live token of this device and role equals the presented one. */
  | { status: "mismatch" }
  /** The token is right but grants less than was asked for. */
  | { status: "scope-mismatch"; token: DeviceToken };

export type RotateResult =
  | { status: "rotated"; token: DeviceToken }
  | { status: "unknown-device" }
  | { status: "scopes-exceed-approval"; approvedScopes: string[] }
  | { status: "role-not-granted" };

export type RevokeResult = { status: "revoked"; revokedAtMs: number } | { status: "unknown-device" } | { status: "no-live-token" };

export interface DeviceTokensOptions {
  store: DeviceStore;
  /** Clock. */
  now: () => number;
}

export class DeviceTokens {
  private readonly store: DeviceStore;
  private readonly now: () => number;

  constructor(options: DeviceTokensOptions) {
    this.store = options.store;
    this.now = options.now;
  }

  /** Checks a presented token; only a valid one counts as used. */
  check({ deviceId, role, presented, scopes }: TokenPresentation): TokenCheck {
    if (!presented) return { status: "mismatch" };
    const token = this.store.tokenFor(deviceId, role);
    if (!token || token.revokedAtMs !== null || !secretsEqual(presented, token.token)) return { status: "mismatch" };
    if (!scopesCovered(token.scopes, scopes)) return { status: "scope-mismatch", token };
    this.store.markTokenUsed(deviceId, role, this.now());
    return { status: "valid", token };
  }

  /** The device's token for `role`, created on first use; its scopes widen when the grant did. */
  ensure(deviceId: string, role: string, scopes: string[]): DeviceToken {
    const existing = this.store.tokenFor(deviceId, role);
    if (existing && existing.revokedAtMs === null) {
      if (scopesCovered(existing.scopes, scopes)) return existing;
      const widened = { ...existing, scopes: [...new Set([...existing.scopes, ...scopes])] };
      this.store.saveToken(widened);
      return widened;
    }
    const token: DeviceToken = {
      deviceId, role, token: newPairingToken(), scopes, createdAtMs: this.now(), rotatedAtMs: null, revokedAtMs: null, lastUsedAtMs: null,
    };
    this.store.saveToken(token);
    return token;
  }

  /** Replaces (device, role)'s token; `scopes` may narrow the grant but never exceed the approval. */
  rotate(deviceId: string, role: string, scopes: string[] | undefined): RotateResult {
    const device = this.store.get(deviceId);
    if (!device) return { status: "unknown-device" };
    if (scopes && !scopesCovered(device.scopes, scopes)) return { status: "scopes-exceed-approval", approvedScopes: device.scopes };
    if (!device.roles.includes(role)) return { status: "role-not-granted" };
    const previous = this.store.tokenFor(deviceId, role);
    const now = this.now();
    const token: DeviceToken = {
      deviceId, role, token: newPairingToken(), scopes: scopes ?? previous?.scopes ?? device.scopes,
      createdAtMs: previous?.createdAtMs ?? now, rotatedAtMs: now, revokedAtMs: null, lastUsedAtMs: null,
    };
    this.store.saveToken(token);
    return { status: "rotated", token };
  }

  revoke(deviceId: string, role: string): RevokeResult {
    if (!this.store.get(deviceId)) return { status: "unknown-device" };
    const now = this.now();
    return this.store.revokeToken(deviceId, role, now) ? { status: "revoked", revokedAtMs: now } : { status: "no-live-token" };
  }
}
