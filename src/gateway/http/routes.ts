/**
 * Every HTTP route on the gateway port, by area. Adding a route: export it from its area's
 * file and list the area here; `createGateway` composes the table into `Bun.serve({ routes })`.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import { telegramWebhookRoutes } from "../../channels/telegram/webhook.ts";
import { controlUiRoutes } from "./control-ui/routes.ts";
import { hookRoutes } from "./hooks.ts";
import { DEFAULT_HOOKS_PATH, hooksSettings } from "./hooks/settings.ts";
import { metricsRoutes } from "./metrics-route.ts";
import { openAiRoutes } from "./openai-endpoints.ts";
import { probeRoutes } from "./probes.ts";
import type { HttpRoute } from "./route.ts";
import { toolRoutes } from "./tools-invoke.ts";

const fixedRoutes: readonly HttpRoute[] = [...probeRoutes, ...toolRoutes, ...openAiRoutes, ...metricsRoutes];

/**
 * The table for a gateway started with `config`. Bun's route table is fixed once the server
 * listens, so `hooks.path` is read here, once; a path another route already has keeps hooks at
 * the default (where they answer 404 and log why).
 */
export function gatewayRoutesFor(config: Readonly<OpenClawConfig>): readonly HttpRoute[] {
  const wanted = hooksSettings(config).basePath ?? DEFAULT_HOOKS_PATH;
  const taken = fixedRoutes.some((route) => route.path === `${wanted}/*`);
  const routes = [...hookRoutes(taken ? DEFAULT_HOOKS_PATH : wanted), ...fixedRoutes];
  // Telegram webhooks (no bearer: the secret header authenticates); a path another route has is left to it.
  const webhooks = telegramWebhookRoutes(config).filter((hook) => !routes.some((route) => route.path === hook.path));
  // The control UI last: a base path another route already has is left to that route.
  const ui = controlUiRoutes(config).filter((page) => ![...routes, ...webhooks].some((route) => route.path === page.path));
  return [...routes, ...webhooks, ...ui];
}
