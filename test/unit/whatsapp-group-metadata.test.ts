/**
 * The group metadata cache Baileys asks before each group send: one fetch however many sends
 * ask at once, kept until it expires or WhatsApp says the group changed, bounded in size, and
 * the adapter hands the same cache to every socket of an account.
 */
import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import type { GroupMetadata } from "@whiskeysockets/baileys";
import { GroupMetadataCache } from "../../src/channels/whatsapp/group-metadata.ts";
import { boom } from "../fakes/whatsapp-socket.ts";
import { makeRig } from "./whatsapp-rig.ts";

const GROUP = "120363012345678901@g.us";
const meta = (id: string, subject = "Team"): GroupMetadata => ({ id, subject, participants: [{ id: "31000000000002@lid" }], owner: undefined }) as GroupMetadata;

function events() {
  const emitter = new EventEmitter();
  return {
    on: (event: string, listener: (arg: never) => void) => void emitter.on(event, listener as (arg: unknown) => void),
    off: (event: string, listener: (arg: never) => void) => void emitter.off(event, listener as (arg: unknown) => void),
    emit: (event: string, arg: unknown) => emitter.emit(event, arg),
    count: () => ["groups.upsert", "groups.update", "group-participants.update"].reduce((n, e) => n + emitter.listenerCount(e), 0),
  };
}

describe("group metadata cache", () => {
  test("concurrent lookups fetch once; later ones are served from the cache until it expires", async () => {
    let now = 0;
    const cache = new GroupMetadataCache({ ttlMs: 1000, now: () => now });
    let fetches = 0;
    const fetch = async (jid: string) => {
      fetches++;
      await Bun.sleep(1);
      return meta(jid);
    };
    const [a, b] = await Promise.all([cache.lookup(GROUP, fetch), cache.lookup(GROUP, fetch)]);
    expect(a).toBe(b);
    expect(fetches).toBe(1);
    now = 999;
    await cache.lookup(GROUP, fetch);
    expect(fetches).toBe(1);
    now = 1000;
    await cache.lookup(GROUP, fetch);
    expect(fetches).toBe(2);
  });

  test("a failed fetch is not cached and the next lookup asks again", async () => {
    const cache = new GroupMetadataCache();
    let calls = 0;
    await expect(cache.lookup(GROUP, async () => (calls++, Promise.reject(boom(500))))).rejects.toThrow();
    expect(await cache.lookup(GROUP, async (jid) => (calls++, meta(jid)))).toMatchObject({ id: GROUP });
    expect(calls).toBe(2);
  });

  test("WhatsApp's group events: upsert stores, an update or a membership change drops the entry; detach removes the listeners", () => {
    const cache = new GroupMetadataCache();
    const ev = events();
    const detach = cache.follow(ev);
    ev.emit("groups.upsert", [meta(GROUP)]);
    expect(cache.get(GROUP)?.subject).toBe("Team");
    ev.emit("groups.update", [{ id: GROUP, subject: "Renamed" }]);
    expect(cache.get(GROUP)).toBeUndefined();
    cache.set(meta(GROUP));
    ev.emit("group-participants.update", { id: GROUP, author: "x", participants: [], action: "add" });
    expect(cache.get(GROUP)).toBeUndefined();
    detach();
    expect(ev.count()).toBe(0);
  });

  test("bounded: the oldest entries go first", () => {
    const cache = new GroupMetadataCache({ maxEntries: 2 });
    for (const n of [1, 2, 3]) cache.set(meta(`12036300000000000${n}@g.us`));
    expect(cache.size).toBe(2);
    expect(cache.get("120363000000000001@g.us")).toBeUndefined();
    expect(cache.get("120363000000000003@g.us")).toBeDefined();
  });

  test("the adapter gives every socket of the account the same cache", async () => {
    const rig = await makeRig();
    try {
      void rig.start();
      const first = await rig.wa.waitForSockets(1);
      // 515: the adapter reconnects at once with a new socket.
      first.close(515);
      const second = await rig.wa.waitForSockets(2);
      expect(first.options.groupMetadata).toBeInstanceOf(GroupMetadataCache);
      expect(second.options.groupMetadata).toBe(first.options.groupMetadata);
    } finally {
      await rig.dispose();
    }
  });
});
