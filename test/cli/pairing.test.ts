/**
 * `openclaw pairing list|approve`: the real CLI against an in-process gateway whose pairing
 * store is seeded as inbound DMs would seed it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { runCli, UNREACHABLE_URL } from "../helpers/cli.ts";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true }))));
async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

/** Runs `openclaw <args> --url <gw>` with the gateway's home, so the token comes from its config. */
const cli = (gw: TestGateway, ...args: string[]) => runCli([...args, "--url", gw.url], { home: gw.home });
const ok = (stdout: string) => ({ code: 0, stdout: `${stdout}\n`, stderr: "" });
const fails = (message: string) => ({ code: 1, stdout: "", stderr: `error: ${message}\n` });

const seed = (gw: TestGateway, channel: string, accountId: string, senderId: string, meta?: { name?: string; username?: string }) =>
  gw.gateway.services.pairingStore.requestFor({ channel, accountId, senderId, now: Date.now(), ...(meta ? { meta } : {}) }).request;

describe("pairing usage", () => {
  for (const command of ["pairing", "pairing list", "pairing approve"]) {
    test(`${command} --help prints usage`, async () => {
      const result = await runCli([...command.split(" "), "--help"], { home: await home() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("USAGE");
      expect(result.stdout).toContain("--url");
    });
  }

  test("bad input fails in one line before connecting", async () => {
    // Nothing can listen there, so "not reachable" would show if these got as far as connecting.
    const run = async (...args: string[]) => runCli([...args, "--url", UNREACHABLE_URL], { home: await home() });
    expect(await run("pairing", "approve", "telegram", "ABC0O1I9")).toEqual(fails("invalid pairing code ABC0O1I9: codes are 8 letters and digits, as the sender was given"));
    expect(await run("pairing", "approve", "telegram", "ABCDEFGH", "--account", " ")).toEqual(fails("--account must not be blank"));
    expect(await run("pairing", "approve", "telegram")).toEqual(fails("Missing required positional argument: CODE"));
  });

  test("no gateway: a clear one-line error that names the start command", async () => {
    const result = await runCli(["pairing", "list", "--url", UNREACHABLE_URL], { home: await home() });
    expect(result).toEqual(fails(`gateway not reachable at ${UNREACHABLE_URL} (is it running? start it with: openclaw gateway)`));
  });
});

describe("openclaw pairing", () => {
  test("list: none, then a table of pending requests (all channels or one), and --json", async () => {
    await using gw = await startTestGateway();
    expect(await cli(gw, "pairing", "list")).toEqual(ok("No pending pairing requests."));
    expect(await cli(gw, "pairing", "list", "telegram")).toEqual(ok("No pending telegram pairing requests."));

    const ada = seed(gw, "telegram", "default", "42", { name: "Ada", username: "ada" });
    const bob = seed(gw, "whatsapp", "default", "+15550001");
    const human = await cli(gw, "pairing", "list");
    expect(human.code).toBe(0);
    expect(human.stderr).toBe("");
    expect(human.stdout).toMatch(
      new RegExp(
        "^Pairing requests \\(2\\):\\n" +
          "  channel   account  code      sender          requested\\n" +
          `  telegram  default  ${ada.code}  42 \\(Ada, @ada\\)  \\d+s ago\\n` +
          `  whatsapp  default  ${bob.code}  \\+15550001       \\d+s ago\\n$`,
      ),
    );
    // `openclaw pairing` alone lists too.
    expect((await cli(gw, "pairing")).stdout).toStartWith("Pairing requests (2):\n");
    const one = await cli(gw, "pairing", "list", "whatsapp");
    expect(one.stdout).toStartWith("Pairing requests (1):\n");
    expect(one.stdout).not.toContain("telegram");

    const json = await cli(gw, "pairing", "list", "telegram", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ requests: [ada] });
  });

  test("approve: prints what was approved; a code that is not pending is a one-line error with the next step", async () => {
    await using gw = await startTestGateway();
    const ada = seed(gw, "telegram", "default", "42");
    expect(await cli(gw, "pairing", "approve", "telegram", ada.code.toLowerCase())).toEqual(ok("Approved telegram sender 42 (account default)."));
    expect(gw.gateway.services.pairingStore.isAllowed("telegram", "default", "42")).toBe(true);
    expect(await cli(gw, "pairing", "approve", "telegram", ada.code)).toEqual(
      fails(`no pending telegram pairing request has code ${ada.code} (it may have expired; see openclaw pairing list telegram)`),
    );
    expect(await cli(gw, "pairing", "list")).toEqual(ok("No pending pairing requests."));
  });

  test("approve --account picks the account; --json prints the wire result", async () => {
    await using gw = await startTestGateway();
    const bob = seed(gw, "telegram", "work", "77");
    expect(await cli(gw, "pairing", "approve", "telegram", bob.code, "--account", "default")).toEqual(
      fails(`no pending telegram pairing request has code ${bob.code} (it may have expired; see openclaw pairing list telegram)`),
    );
    const result = await cli(gw, "pairing", "approve", "telegram", bob.code, "--account", "work", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, channel: "telegram", accountId: "work", senderId: "77" });
  });
});
