/**
 * A run cut by a crash (kill -9) is never run again: a retry with its idempotency key after
 * the restart answers, from the store, that the run was cut.
 */
import { afterAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { RUN_INTERRUPTED } from "../../src/agent/runner-types.ts";
import { startFakeOpenAI } from "../fakes/openai-compatible.ts";
import { startGatewayProcess, writeConfig } from "../helpers/cli.ts";
import { makeTempHome, TEST_TOKEN } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const fake = startFakeOpenAI({ script: [{ type: "hang", text: "thinking…" }] });
const home = await makeTempHome();
afterAll(async () => {
  await fake.stop();
  await rm(home, { recursive: true, force: true });
});

test("kill -9 during a run: the retry after the restart says the run was cut, and the model is not called again", async () => {
  await writeConfig(home, {
    gateway: { mode: "local", auth: { token: TEST_TOKEN } },
    models: { providers: { fake: { baseUrl: fake.baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } },
    agents: { defaults: { model: "fake/m" } },
  });
  const first = await startGatewayProcess(["--port", "0"], { home });
  const { client } = await connectClient(`ws://127.0.0.1:${first.port}`);
  const id = client.request("agent", { message: "hi", idempotencyKey: "crash-run" });
  expect((await client.response(id)).payload).toMatchObject({ runId: "crash-run", status: "accepted" });
  await fake.waitForRequests(1);
  expect(await first.stop("SIGKILL")).not.toBe(0);
  client.close();

  const second = await startGatewayProcess(["--port", "0"], { home });
  try {
    const { client: again } = await connectClient(`ws://127.0.0.1:${second.port}`);
    const res = await again.rpc("agent", { message: "hi", idempotencyKey: "crash-run" });
    expect(res).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: RUN_INTERRUPTED }, payload: { runId: "crash-run", status: "error" } });
    expect(fake.requests).toHaveLength(1);
    again.close();
  } finally {
    await second.stop();
  }
});
