/**
 * Every HTTP route on the gateway port, by area. Adding a route: export it from its area's
 * file and list the area here; `createGateway` composes the table into `Bun.serve({ routes })`.
 */
import { metricsRoutes } from "./metrics-route.ts";
import { openAiRoutes } from "./openai-endpoints.ts";
import { probeRoutes } from "./probes.ts";
import type { HttpRoute } from "./route.ts";
import { toolRoutes } from "./tools-invoke.ts";

export const gatewayRoutes: readonly HttpRoute[] = [...probeRoutes, ...toolRoutes, ...openAiRoutes, ...metricsRoutes];
