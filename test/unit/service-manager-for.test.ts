/** Each supported platform gets its own supervisor's manager; others get a clear refusal. */
import { expect, test } from "bun:test";
import { managerFor } from "../../src/service/manager-for.ts";
import { ServiceError, type CommandRunner } from "../../src/service/types.ts";

const runner: CommandRunner = { run: async () => ({ code: 0, stdout: "", stderr: "" }) };
const deps = { runner, home: "/home/ada", user: "ada" };

test("linux → systemd, darwin → launchd, win32 → windows", () => {
  expect(managerFor("linux", deps).platform).toBe("systemd");
  expect(managerFor("darwin", deps).platform).toBe("launchd");
  expect(managerFor("win32", deps).platform).toBe("windows");
});

test("an unsupported platform is refused in words", () => {
  expect(() => managerFor("aix", deps)).toThrow(ServiceError);
  expect(() => managerFor("aix", deps)).toThrow("not supported on aix");
});
