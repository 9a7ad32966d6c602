/**
 * The channels this build has, in the order `health` and `channels.status` list them. A
 * factory module is small; each imports its platform library only when an account starts.
 */
import { telegramFactory } from "./telegram/factory.ts";
import type { ChannelFactory } from "./types.ts";
import { whatsappFactory } from "./whatsapp/factory.ts";

export const channelFactories: readonly ChannelFactory[] = [telegramFactory, whatsappFactory];
