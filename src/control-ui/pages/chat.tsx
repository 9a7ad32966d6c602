/**
 * Chat: pick an agent and one of its sessions, read the conversation, send, watch the reply
 * stream in with its tool calls, stop it. The open session lives in the URL
 * (`#/chat?session=<key>`), so reloading the page reopens it.
 */
import { useEffect, useState } from "preact/hooks";
import { useConnection, useEvent } from "../gateway/context.ts";
import "./chat/chat.css";
import { Composer } from "./chat/composer.tsx";
import { hashParams, replaceChatSession } from "./chat/hash-params.ts";
import { SessionPicker } from "./chat/session-picker.tsx";
import { TranscriptView } from "./chat/transcript-view.tsx";
import { useAgentList, useRecentSessions } from "./chat/use-agents.ts";
import { useChat } from "./chat/use-chat.ts";

/** The session the URL names, in the gateway's canonical form (lowercase, `agent:<id>:…`). */
function sessionFromUrl(defaultAgentId: string): string | null {
  const raw = hashParams().get("session")?.trim().toLowerCase();
  if (!raw) return null;
  return raw.startsWith("agent:") ? raw : `agent:${defaultAgentId}:${raw}`;
}

function useUrlSession(defaultAgentId: string): string | null {
  const [key, setKey] = useState(() => sessionFromUrl(defaultAgentId));
  useEffect(() => {
    const onHash = () => setKey(sessionFromUrl(defaultAgentId));
    onHash();
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, [defaultAgentId]);
  return key;
}

/** A new conversation's key: readable, sortable, unique enough for one person's clicks. */
function newSessionKey(agentId: string): string {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
  return `agent:${agentId}:control-ui:${stamp}-${crypto.randomUUID().slice(0, 4)}`;
}

const disconnectedReason: Record<string, string> = {
  connecting: "Connecting to the gateway…",
  pairing: "Waiting for this browser to be approved (see the banner above).",
  "auth-needed": "Sign in first (see the banner above).",
  disconnected: "Not connected to the gateway; the page reconnects by itself.",
};

export default function ChatPage() {
  const { status } = useConnection();
  const agents = useAgentList();
  const fromUrl = useUrlSession(agents.defaultId);
  // Without a session in the URL, the default agent's main session, once the agents are known.
  const sessionKey = fromUrl ?? (agents.ready ? `agent:${agents.defaultId}:${agents.mainKey}` : "");
  const agentId = sessionKey.split(":")[1] || agents.defaultId;
  const recent = useRecentSessions(agentId);
  const chat = useChat(sessionKey);
  const running = chat.runs.some((run) => run.state === "running");
  // An agent the URL names but the list does not (yet) is still shown as chosen.
  const choices = agents.agents.some((a) => a.id === agentId) ? agents.agents : [...agents.agents, { id: agentId, label: agentId }];
  const agentLabel = choices.find((a) => a.id === agentId)?.label ?? agentId;

  // A finished reply may have created the session: the picker should list it.
  useEvent("chat", (event: { sessionKey?: string; state?: string }) => {
    if (event?.sessionKey === sessionKey && event.state !== "delta") recent.reload();
  });

  const open = (key: string) => {
    replaceChatSession(key);
    // replaceState fires no hashchange; the URL hook and the shell listen for one.
    dispatchEvent(new HashChangeEvent("hashchange"));
  };

  return (
    <section class="page chat-page" aria-labelledby="chat-title">
      <h1 id="chat-title">Chat</h1>
      <SessionPicker
        agents={choices}
        agentId={agentId}
        sessionKey={sessionKey}
        recent={recent.recent}
        error={agents.error ?? recent.error}
        onAgent={(id) => open(`agent:${id}:${agents.mainKey}`)}
        onSession={open}
        onNew={() => open(newSessionKey(agentId))}
      />
      {chat.error ? (
        <div class="chat-error" role="alert">
          <span>{chat.error}</span>
          <button type="button" class="button small" onClick={chat.dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}
      <TranscriptView messages={chat.messages} runs={chat.runs} pending={chat.pending} loading={chat.loading && sessionKey !== ""} agentName={agentLabel} />
      <Composer
        running={running}
        sending={chat.sending}
        disabled={status !== "connected" || sessionKey === ""}
        disabledReason={status !== "connected" ? disconnectedReason[status] : undefined}
        onSend={chat.send}
        onAbort={chat.abort}
      />
    </section>
  );
}
