/** `openclaw dashboard`, run as the real CLI: the link, its code, and what it says when it cannot make one. */
import { describe, expect, test } from "bun:test";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { verifyBootstrapCode } from "../../src/gateway/auth/bootstrap-code.ts";
import { runCli, writeConfig } from "../helpers/cli.ts";
import { makeTempHome, TEST_TOKEN } from "../helpers/gateway.ts";

async function withHome(config: unknown, fn: (home: string) => Promise<void>): Promise<void> {
  const home = await makeTempHome();
  try {
    if (config !== null) await writeConfig(home, config);
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const local = (extra: Record<string, unknown> = {}) => ({ gateway: { mode: "local", port: 18790, auth: { token: TEST_TOKEN }, ...extra } });

describe("openclaw dashboard", () => {
  test("--json: the link carries a code the gateway's secret verifies, in the fragment only", async () => {
    await withHome(local(), async (home) => {
      const result = await runCli(["dashboard", "--json"], { home });
      expect(result.code).toBe(0);
      const link = JSON.parse(result.stdout);
      expect(link).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:18790\/#bootstrap=[A-Za-z0-9_-]+$/), expiresAtMs: expect.any(Number), port: 18790, basePath: "", signIn: "code" });
      const code = link.url.split("#bootstrap=")[1];
      expect(verifyBootstrapCode(TEST_TOKEN, code, Date.now())).toMatchObject({ ok: true, expiresAtMs: link.expiresAtMs });
      expect(result.stdout + result.stderr).not.toContain(TEST_TOKEN);
    });
  });

  test("the base path and the password are honoured", async () => {
    await withHome({ gateway: { mode: "local", port: 18790, auth: { mode: "password", password: "pw-123456" }, controlUi: { basePath: "ui/" } } }, async (home) => {
      const link = JSON.parse((await runCli(["dashboard", "--json"], { home })).stdout);
      expect(link.url).toStartWith("http://127.0.0.1:18790/ui/#bootstrap=");
      expect(verifyBootstrapCode("pw-123456", link.url.split("#bootstrap=")[1], Date.now()).ok).toBe(true);
    });
  });

  test("without auth the link has no code and says so", async () => {
    await withHome(local({ auth: { mode: "none" } }), async (home) => {
      const result = await runCli(["dashboard"], { home });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("http://127.0.0.1:18790/\n");
      expect(result.stderr).toContain('gateway.auth.mode = "none"');
    });
  });

  test("refusals say what to do", async () => {
    await withHome(local({ controlUi: { enabled: false } }), async (home) => {
      const result = await runCli(["dashboard"], { home });
      expect(result.code).toBe(78);
      expect(result.stderr).toBe("error: the control UI is turned off (gateway.controlUi.enabled = false); turn it on with: openclaw config set gateway.controlUi.enabled true\n");
    });
    await withHome({ gateway: { mode: "local" } }, async (home) => {
      const result = await runCli(["dashboard"], { home });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain("no gateway token yet: start the gateway once (openclaw gateway)");
    });
    await withHome(local({ controlUi: { basePath: "/a b" } }), async (home) => {
      const result = await runCli(["dashboard"], { home });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain("is not a plain URL path");
    });
    await withHome({ gateway: { mode: "remote", remote: { url: "ws://10.0.0.2:18789" } } }, async (home) => {
      const result = await runCli(["dashboard"], { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("run openclaw dashboard on the gateway host");
    });
  });

  test("--open hands the browser a private page, never the code itself", async () => {
    await withHome(local(), async (home) => {
      const bin = join(home, "bin");
      const tmp = join(home, "tmp");
      await mkdir(bin);
      await mkdir(tmp);
      // A stand-in for xdg-open: records its arguments and what the page it was given says.
      const record = join(home, "opened.txt");
      await writeFile(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nstat -c %a "$1" >> '${record}'\ncat "$1" >> '${record}'\n`);
      await chmod(join(bin, "xdg-open"), 0o755);
      const result = await runCli(["dashboard", "--open"], { home, env: { PATH: `${bin}:${process.env.PATH}`, TMPDIR: tmp }, timeoutMs: 20_000 });
      expect(result.code).toBe(0);
      const url = result.stdout.trim();
      const code = url.split("#bootstrap=")[1]!;
      const [arg, mode, ...page] = (await readFile(record, "utf8")).split("\n");
      expect(arg).toStartWith(join(tmp, "openclaw-dashboard-"));
      expect(arg).not.toContain(code);
      expect(mode).toBe("600");
      expect(page.join("\n")).toContain(`url=${url}`);
      // The page is gone once the browser had time to read it.
      expect(await readFile(arg!, "utf8").catch(() => null)).toBeNull();
    });
  }, 30_000);
});
