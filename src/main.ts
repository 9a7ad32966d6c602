#!/usr/bin/env bun
/** Binary entry point; the only place that ends the process. */
import { runCli } from "./cli/main-command.ts";

process.exit(await runCli(process.argv.slice(2)));
