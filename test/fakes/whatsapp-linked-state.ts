/** What `channels login` leaves in a state dir once linked: creds for `accountId` in the store, as the fakes' SELF_USER. */
import { mkdir } from "node:fs/promises";
import { BufferJSON, initAuthCreds } from "@whiskeysockets/baileys";
import { closeWhatsappStores, whatsappStore } from "../../src/channels/whatsapp/store-handle.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { SELF_USER } from "./whatsapp-socket.ts";

export async function writeLinkedCreds(stateDir: string, accountId = "default"): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const creds = { ...initAuthCreds(), me: { id: SELF_USER.id, lid: SELF_USER.lid, name: "Gateway" } };
  new WhatsAppAuthStore(whatsappStore(stateDir)).writeCreds(accountId, JSON.stringify(creds, BufferJSON.replacer), Date.now());
  // The gateway process opens the store itself; this process must not keep it open.
  closeWhatsappStores();
}
