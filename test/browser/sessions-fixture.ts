/**
 * What the Sessions page test and bench/control-ui-sessions-bench.ts share: 10,000 sessions
 * seeded through a second connection to the gateway's own store file (one transaction, ~0.2 s),
 * and the in-page probe that marks when the first rows are on screen.
 */
import { openStore } from "../../src/store/database.ts";
import { SqliteSessionStore } from "../../src/store/sessions.ts";
import type { TestGateway } from "../helpers/gateway.ts";

export const SESSION_COUNT = 10_000;
/** Issue 13: the sessions page with 10,000 sessions interactive within 300 ms. */
export const INTERACTIVE_BUDGET_MS = 300;

/**
 * `agent:main:s0` (newest) … `agent:main:s<count-1>`, every 100th labelled `Project <i>`, and
 * five sessions of the `work` agent, older than all of them.
 */
export function seedSessions(gw: TestGateway, count = SESSION_COUNT): void {
  const db = openStore(gw.stateDir);
  let clock = Date.now() - (count + 10) * 1000;
  const store = new SqliteSessionStore(db, { now: () => clock });
  db.transaction(() => {
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      store.ensure(`agent:work:telegram:direct:${i}`, "work");
    }
    for (let i = count - 1; i >= 0; i--) {
      clock += 1000;
      store.ensure(`agent:main:s${i}`, "main");
      if (i % 100 === 0) store.patch(`agent:main:s${i}`, { label: `Project ${i}` });
    }
  })();
  db.close();
}

/**
 * Records, from navigation start, when the first session row is in the DOM (a MutationObserver
 * callback runs right after the change, so no polling delay is measured).
 */
export const MARK_ROWS_SCRIPT = `(() => {
  const observer = new MutationObserver(() => {
    if (!window.__rowsAt && document.querySelector(".session-row")) {
      window.__rowsAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true });
})()`;

export const AGENTS_CONFIG = { agents: { list: [{ id: "main", default: true }, { id: "work", name: "Work" }] } };

/** When the shell says connected: the part of a load that is the shell's, not this page's. */
export const MARK_CONNECTED_SCRIPT = `(() => {
  const observer = new MutationObserver(() => {
    if (!window.__connectedAt && document.querySelector(".conn-dot.conn-connected")) {
      window.__connectedAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
})()`;
