/**
 * A page loaded on first visit: the shell and the Overview load at once, every other page's
 * code (and CSS) comes with its first navigation, so the first screen parses less script.
 */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

export function lazyPage(load: () => Promise<{ default: ComponentType }>): ComponentType {
  let loaded: ComponentType | null = null;
  let loading: Promise<ComponentType> | null = null;
  const get = () => (loading ??= load().then((m) => (loaded = m.default)));
  return function LazyPage() {
    const [Page, setPage] = useState<ComponentType | null>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (Page) return;
      let live = true;
      get().then(
        (component) => live && setPage(() => component),
        (e: unknown) => {
          loading = null;
          if (live) setError(`This page could not be loaded (${e instanceof Error ? e.message : String(e)}). Check that the gateway is running, then reload.`);
        },
      );
      return () => void (live = false);
    }, [Page]);
    if (Page) return <Page />;
    if (error) return <p class="banner banner-error" role="alert">{error}</p>;
    return (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  };
}
