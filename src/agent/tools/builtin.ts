/** The tools this build ships, each safe by default (see each file for what it may touch). */
import { canvasListTool } from "./canvas-list.ts";
import { canvasReadTool } from "./canvas-read.ts";
import { canvasWriteTool } from "./canvas-write.ts";
import { messageTool } from "./message.ts";
import { nodesTool } from "./nodes.ts";
import { sessionsHistoryTool } from "./sessions-history.ts";
import { sessionsListTool } from "./sessions-list.ts";
import type { Tool } from "./types.ts";

export const BUILTIN_TOOLS: readonly Tool[] = Object.freeze([
  sessionsListTool,
  sessionsHistoryTool,
  messageTool,
  canvasListTool,
  canvasReadTool,
  canvasWriteTool,
  nodesTool,
]);
