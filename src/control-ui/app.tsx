/**
 * The shell: the navigation, hash routing (`#/overview`, `#/chat`, …) and the connection banner
 * above every page. Pages render even while disconnected; each shows its own loading and error
 * state, so nothing here waits on the gateway.
 */
import type { ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ConnectionBanner } from "./components/connection-banner.tsx";
import { useConnection } from "./gateway/context.ts";
import { lazyPage } from "./components/lazy-page.tsx";
import OverviewPage from "./pages/overview.tsx";

interface Route {
  path: string;
  label: string;
  page: ComponentType;
}

export const ROUTES: readonly Route[] = [
  { path: "overview", label: "Overview", page: OverviewPage },
  { path: "chat", label: "Chat", page: lazyPage(() => import("./pages/chat.tsx")) },
  { path: "sessions", label: "Sessions", page: lazyPage(() => import("./pages/sessions.tsx")) },
  { path: "channels", label: "Channels", page: lazyPage(() => import("./pages/channels.tsx")) },
  { path: "devices", label: "Devices", page: lazyPage(() => import("./pages/devices.tsx")) },
  { path: "config", label: "Config", page: lazyPage(() => import("./pages/config.tsx")) },
  { path: "logs", label: "Logs", page: lazyPage(() => import("./pages/logs.tsx")) },
];

/** `#/chat?session=…` → `chat`; anything unknown is the overview. */
function routeOf(hash: string): Route {
  const path = hash.replace(/^#\/?/, "").split(/[?/]/)[0] ?? "";
  return ROUTES.find((r) => r.path === path) ?? ROUTES[0]!;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  return route;
}

export function App() {
  const route = useRoute();
  const { status } = useConnection();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  useEffect(() => {
    document.title = `${route.label} · OpenClaw Control`;
    setMenuOpen(false);
    // After a navigation, keyboard and screen-reader users continue in the new page, not the menu.
    if (!firstRoute.current) main.current?.focus({ preventScroll: true });
    firstRoute.current = false;
  }, [route]);
  const Page = route.page;
  return (
    <div class="shell">
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/overview">
          OpenClaw
        </a>
        <span class={`conn-dot conn-${status}`} role="status" aria-label={`gateway connection: ${status}`} title={status} />
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
      </header>
      <nav id="nav" class={menuOpen ? "nav open" : "nav"} aria-label="Pages">
        <ul>
          {ROUTES.map((r) => (
            <li key={r.path}>
              <a href={`#/${r.path}`} aria-current={r === route ? "page" : undefined}>
                {r.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content" id="main" ref={main} tabIndex={-1}>
        <ConnectionBanner />
        <Page />
      </main>
    </div>
  );
}
