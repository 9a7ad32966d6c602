/**
 * Profiling aid: the in-process gateway (or the echo ceiling) under the same pipelined `health`
 * load as the bench, the load client in its own process so the profile shows only the server.
 *
 *   bun --cpu-prof-md --cpu-prof-dir /tmp/prof bench/profile-server.ts [durationMs] [gateway|echo]
 */
import { join } from "node:path";
import { startTestGateway } from "../test/helpers/gateway.ts";
import { startEchoServer } from "./echo-server.ts";

const durationMs = Number(process.argv[2] ?? 5000);
const target = process.argv[3] ?? "gateway";
const gw = await startTestGateway();
const payload = await gw.gateway.services.health.get(false);
const echo = target === "echo" ? startEchoServer(payload, "json") : null;
const request = { mode: "pipeline", url: echo?.url ?? gw.url, auth: echo ? "none" : "device", window: 100, warmupMs: 500, durationMs };
const proc = Bun.spawn([process.execPath, join(import.meta.dir, "load-client.ts"), JSON.stringify(request)], { stdout: "pipe", stderr: "inherit" });
console.log(target, (await new Response(proc.stdout).text()).trim());
await echo?.stop();
await gw.stop();
process.exit(0);
