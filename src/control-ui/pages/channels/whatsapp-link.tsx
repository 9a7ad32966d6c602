/**
 * Linking a WhatsApp account: a rotating QR to scan, or an 8-character code for a phone
 * number, then the outcome in words. The QR is drawn from the login's QR text in the page.
 */
import { useState } from "preact/hooks";
import { untilText } from "./until-text.ts";
import { QrCode } from "./qr-code.tsx";
import { useWhatsAppLogin } from "./use-whatsapp-login.ts";

const E164 = /^\+[1-9]\d{6,14}$/;

interface Props {
  accountIds: string[];
  /** Accounts that are linked already: linking them again replaces the link (force). */
  linked: ReadonlySet<string>;
}

export function WhatsAppLink({ accountIds, linked }: Props) {
  const [chosen, setChosen] = useState<string | null>(null);
  // The status may arrive after the first render: follow it until the user picks an account.
  const accountId = chosen !== null && accountIds.includes(chosen) ? chosen : (accountIds[0] ?? "default");
  const [mode, setMode] = useState<"qr" | "code">("qr");
  const [phone, setPhone] = useState("");
  const [phoneProblem, setPhoneProblem] = useState<string | null>(null);
  const login = useWhatsAppLogin(accountId);
  const r = login.result;

  const begin = (e: Event) => {
    e.preventDefault();
    const number = phone.replace(/[\s()-]/g, "");
    if (mode === "code" && !E164.test(number)) {
      setPhoneProblem("Enter the phone's number with country code, like +15551234567.");
      return;
    }
    setPhoneProblem(null);
    void login.start({ accountId, force: linked.has(accountId), ...(mode === "code" ? { phone: number } : {}) });
  };

  return (
    <div class="card whatsapp-link" data-testid="whatsapp-link">
      <form onSubmit={begin} class="link-form">
        {accountIds.length > 1 && (
          <div class="field">
            <label for="wa-account">Account</label>
            <select id="wa-account" value={accountId} onChange={(e) => setChosen(e.currentTarget.value)}>
              {accountIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="field">
          <legend>Link with</legend>
          <label class="inline">
            <input type="radio" name="wa-mode" value="qr" checked={mode === "qr"} onChange={() => setMode("qr")} /> a QR code
          </label>
          <label class="inline">
            <input type="radio" name="wa-mode" value="code" checked={mode === "code"} onChange={() => setMode("code")} /> a code for a phone number
          </label>
        </fieldset>
        {mode === "code" && (
          <div class="field">
            <label for="wa-phone">Phone number</label>
            <input id="wa-phone" type="tel" inputMode="tel" autoComplete="tel" placeholder="+15551234567" value={phone} aria-invalid={phoneProblem !== null} aria-describedby="wa-phone-problem" onInput={(e) => setPhone(e.currentTarget.value)} />
            <p id="wa-phone-problem" class="error-text">
              {phoneProblem}
            </p>
          </div>
        )}
        <div class="actions">
          <button type="submit" class="button primary" disabled={login.active}>
            {linked.has(accountId) ? "Link again" : "Link WhatsApp"}
          </button>
          {login.active && (
            <button type="button" class="button" onClick={login.stop}>
              Stop showing
            </button>
          )}
        </div>
        {linked.has(accountId) && !r && <p class="muted">This account is linked; linking again replaces the link once the phone accepts (the current one works until then).</p>}
      </form>

      <div class="link-status" role="status" aria-live="polite">
        {login.error && <p class="error-text">{login.error}</p>}
        {login.active && !r && <p class="muted">Connecting to WhatsApp…</p>}
        {r && <p class={r.status === "linked" ? "ok-text" : r.status === "failed" || r.status === "timeout" ? "error-text" : ""}>{r.message}</p>}
        {r && r.status === "qr" && r.qr && (
          <>
            <QrCode text={r.qr} label={`WhatsApp link QR code${r.qrCount ? ` number ${r.qrCount}` : ""}`} />
            <p class="muted" data-testid="qr-count">
              QR {r.qrCount ?? 1}
              {r.expiresAt ? `; the attempt ends in about ${untilText((r.expiresAt - Date.now()) / 1000)} unless linked` : ""}
            </p>
          </>
        )}
        {r && r.status === "code" && r.code && (
          <p class="pairing-code" data-testid="pairing-code" aria-label={`Pairing code ${r.code.split("").join(" ")}`}>
            {r.code.slice(0, 4)}-{r.code.slice(4)}
          </p>
        )}
        {r && !login.active && r.status !== "linked" && (r.status === "failed" || r.status === "timeout") && <p class="muted">Press “Link WhatsApp” to try again.</p>}
        {r && !login.active && !["linked", "failed", "timeout"].includes(r.status) && <p class="muted">No longer following this attempt; press the button to show it again.</p>}
      </div>
    </div>
  );
}
