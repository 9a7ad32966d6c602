/** Every implemented method, by name: the dispatcher's table and `hello-ok.features.methods`. */
import type { MethodHandlers } from "../rpc/dispatcher.ts";
import { agentHandlers } from "./agent.ts";
import { channelHandlers } from "./channels.ts";
import { chatHandlers } from "./chat.ts";
import { configMethods } from "./config.ts";
import { deviceMethods } from "./devices.ts";
import { nodeMethods } from "./nodes.ts";
import { nodePairingMethods } from "./node-pairing.ts";
import { dmPairingMethods } from "./pairing.ts";
import { sessionMethods } from "./sessions.ts";
import { systemMethods } from "./system.ts";
import { webLoginHandlers } from "./web-login.ts";

export const methodHandlers: MethodHandlers = {
  ...systemMethods,
  ...nodeMethods,
  ...nodePairingMethods,
  ...deviceMethods,
  ...dmPairingMethods,
  ...configMethods,
  ...sessionMethods,
  ...agentHandlers,
  ...chatHandlers,
  ...channelHandlers,
  ...webLoginHandlers,
};
