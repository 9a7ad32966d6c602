/**
 * Roles and operator scopes (protocol.md §5). Which scope each method needs is part of its
 * record in `methods/<area>.ts`; `index.ts` derives the lookup from those records.
 */

export const Roles = ["operator", "node"] as const;
export type Role = (typeof Roles)[number];

export const Scopes = {
  READ: "operator.read",
  WRITE: "operator.write",
  ADMIN: "operator.admin",
  APPROVALS: "operator.approvals",
  PAIRING: "operator.pairing",
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes] | (string & {});

/** Whether the granted scopes satisfy `needed` (admin implies all; write implies read). */
export function scopeSatisfied(granted: readonly string[], needed: Scope): boolean {
  if (granted.includes(Scopes.ADMIN)) return true;
  if (granted.includes(needed)) return true;
  return needed === Scopes.READ && granted.includes(Scopes.WRITE);
}
