/**
 * The page's entry. The one-time code is taken out of the address first, before anything else
 * can read or copy it, then the client starts and the shell renders.
 */
import { render } from "preact";
import { App } from "./app.tsx";
import { takeBootstrapCode } from "./gateway/credentials.ts";
import { createPageClient, GatewayContext } from "./gateway/context.ts";
import { identitySupport } from "./gateway/device-identity.ts";
import { InsecureContext } from "./components/insecure-context.tsx";

const bootstrapCode = takeBootstrapCode();
const root = document.getElementById("app")!;

const problem = identitySupport();
if (problem) {
  render(<InsecureContext problem={problem} />, root);
} else {
  const client = createPageClient(bootstrapCode, "control-ui");
  client.start();
  render(
    <GatewayContext.Provider value={client}>
      <App />
    </GatewayContext.Provider>,
    root,
  );
}
