/**
 * Gateways with their own `OPENCLAW_STATE_DIR` get their own workspace and canvas root
 * (`<stateDir>/workspace`), instead of all sharing `~/.openclaw/workspace`; `OPENCLAW_WORKSPACE_DIR`
 * moves it, and `agents.defaults.workspace` still wins.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, writeConfig } from "../helpers/cli.ts";

const home = await mkdtemp(join(tmpdir(), "openclaw-workspace-"));
afterAll(() => rm(home, { recursive: true, force: true }));

async function setup(env: Record<string, string>): Promise<{ workspace: string; canvas: string }> {
  const result = await runCli(["setup", "--json"], { home, env });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout);
  return { workspace: summary.workspace.path, canvas: summary.canvas.path };
}

test("two state dirs, two workspaces and canvas roots; nothing in ~/.openclaw/workspace", async () => {
  const a = await setup({ OPENCLAW_STATE_DIR: join(home, "a") });
  const b = await setup({ OPENCLAW_STATE_DIR: join(home, "b") });
  expect(a).toEqual({ workspace: join(home, "a", "workspace"), canvas: join(home, "a", "workspace", "canvas") });
  expect(b).toEqual({ workspace: join(home, "b", "workspace"), canvas: join(home, "b", "workspace", "canvas") });
  for (const dir of [a.canvas, b.canvas]) expect((await stat(dir)).isDirectory()).toBe(true);
  expect(await stat(join(home, ".openclaw", "workspace")).catch(() => null)).toBeNull();
});

test("OPENCLAW_WORKSPACE_DIR moves the workspace; agents.defaults.workspace in the config wins over it", async () => {
  const moved = join(home, "elsewhere");
  expect(await setup({ OPENCLAW_STATE_DIR: join(home, "c"), OPENCLAW_WORKSPACE_DIR: moved })).toEqual({ workspace: moved, canvas: join(moved, "canvas") });
  await writeConfig(home, { gateway: { mode: "local" }, agents: { defaults: { workspace: "~/configured" } } }, "d");
  expect((await setup({ OPENCLAW_STATE_DIR: join(home, "d"), OPENCLAW_WORKSPACE_DIR: moved })).workspace).toBe(join(home, "configured"));
});
