/**
 * Setting a Telegram bot token from the page. The token goes into the config through the same
 * validated, hash-checked write as every config edit (`config.set`); the running gateway
 * applies it to the account, which restarts with it. The field is never filled back in: the
 * page only learns whether a token is set (the config comes back redacted).
 */
import { useState } from "preact/hooks";
import type { ConfigSnapshot } from "../../../../protocol/methods/config.ts";
import { useGateway } from "../../gateway/context.ts";
import { textHasComments } from "../config/check-draft.ts";
import { useResource } from "../devices/use-resource.ts";
import { saveTelegramToken, telegramSection } from "./telegram-config.ts";

/** Telegram bot tokens are `<bot id>:<secret>`. */
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]{20,}$/;

export function TelegramToken({ accountIds }: { accountIds: string[] }) {
  const gateway = useGateway();
  const config = useResource((g) => g.request<ConfigSnapshot>("config.get", {}), "read the config");
  const ids = accountIds.length > 0 ? accountIds : ["default"];
  const [chosen, setChosen] = useState<string | null>(null);
  const accountId = chosen !== null && ids.includes(chosen) ? chosen : ids[0]!;
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  const section = config.data ? telegramSection(config.data.config, accountId) : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = token.trim();
    if (!TOKEN_SHAPE.test(value)) {
      setNote({ kind: "error", text: "That does not look like a bot token: it is digits, a colon and a long code, as @BotFather gives it (123456:ABC-DEF…)." });
      return;
    }
    setBusy(true);
    setNote(null);
    const outcome = await saveTelegramToken(gateway, accountId, value);
    setBusy(false);
    if (outcome.ok) {
      setToken("");
      config.reload();
    }
    setNote({ kind: outcome.ok ? "ok" : "error", text: outcome.text });
  };

  return (
    <form class="card telegram-token" onSubmit={submit} data-testid="telegram-token">
      {ids.length > 1 && (
        <div class="field">
          <label for="tg-account">Account</label>
          <select id="tg-account" value={accountId} onChange={(e) => setChosen(e.currentTarget.value)}>
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for="tg-token">Bot token</label>
        <input id="tg-token" type="password" autoComplete="off" spellcheck={false} value={token} aria-describedby="tg-token-help" onInput={(e) => setToken(e.currentTarget.value)} />
        <p id="tg-token-help" class="muted">
          From @BotFather in Telegram (/newbot or /token).{" "}
          {section?.hasToken ? "A token is set; a new one replaces it." : section ? "No token is set in the config yet." : ""}
          {section?.tokenFile ? " Note: tokenFile is set and wins over a token saved here; remove it on the Config page to use this one." : ""}
        </p>
      </div>
      {config.data && textHasComments(config.data.raw ?? "") && <p class="banner banner-warn">Saving rewrites the config file as plain JSON: its comments are lost (the previous file is kept as .bak).</p>}
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy || token.trim() === ""}>
          {busy ? "Saving…" : "Save token"}
        </button>
      </div>
      <p role="status" aria-live="polite" class={note?.kind === "error" ? "error-text" : "ok-text"}>
        {note?.text}
      </p>
    </form>
  );
}
