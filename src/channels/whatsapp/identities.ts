/**
 * Who is who, across the forms WhatsApp uses (user-needs B7). Every comparison of people goes
 * through `canonical`: a LID whose phone number we have learnt becomes that phone JID, device
 * suffixes are gone, so "is this us?" and "is this sender allowed?" have one answer.
 * Mappings come from Baileys (`lid-mapping.update`, `remoteJidAlt`/`participantAlt` on
 * messages, its signal store) and are persisted, so they survive restarts.
 */
import { e164OfJid, isLidJid, isPnJid, normalizeJid } from "./jid.ts";
import type { LidMapStore } from "./stores.ts";

/** Our own identity: the phone JID and, once WhatsApp told us, our LID. */
export interface SelfIdentity {
  pn: string | null;
  lid: string | null;
  name?: string;
}

export class Identities {
  constructor(private readonly store: LidMapStore) {}

  /** Records that `lid` and `pn` are one person; anything not shaped like that pair is ignored. */
  learn(lid: string | null | undefined, pn: string | null | undefined): void {
    const l = normalizeJid(lid);
    const p = normalizeJid(pn);
    if (!l || !p || !isLidJid(l) || !isPnJid(p)) return;
    if (this.store.pnForLid(l) === p) return;
    this.store.remember(l, p);
  }

  /** The phone JID for a LID we know, the JID itself otherwise (normalised); null for non-JIDs. */
  canonical(jid: string | null | undefined): string | null {
    const normal = normalizeJid(jid);
    if (!normal) return null;
    if (isLidJid(normal)) return this.store.pnForLid(normal) ?? normal;
    return normal;
  }

  /** Whether the store still lacks a phone number for this LID. */
  unknownLid(jid: string | null | undefined): boolean {
    const normal = normalizeJid(jid);
    return !!normal && isLidJid(normal) && this.store.pnForLid(normal) === null;
  }

  /** How the access policy and sessions know a person: E.164 when we can, else the canonical JID. */
  personId(jid: string | null | undefined): string | null {
    const canonical = this.canonical(jid);
    if (!canonical) return null;
    return e164OfJid(canonical) ?? canonical;
  }

  same(a: string | null | undefined, b: string | null | undefined): boolean {
    const x = this.canonical(a);
    return x !== null && x === this.canonical(b);
  }

  isSelf(jid: string | null | undefined, self: SelfIdentity): boolean {
    return this.same(jid, self.pn) || this.same(jid, self.lid);
  }
}

/** Our identity from Baileys' `sock.user` (or `creds.me`): `{id: "1555…:12@s.whatsapp.net", lid?: "…@lid", name?}`. */
export function selfOf(user: { id?: string | null; lid?: string | null; name?: string | null } | undefined | null): SelfIdentity {
  const id = normalizeJid(user?.id);
  const lid = normalizeJid(user?.lid);
  const self: SelfIdentity = { pn: id && isPnJid(id) ? id : null, lid: lid && isLidJid(lid) ? lid : id && isLidJid(id) ? id : null };
  if (user?.name) self.name = user.name;
  return self;
}
