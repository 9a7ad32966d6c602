/**
 * Shared tail of the generators: write the file when it changed, or with `--check` fail
 * (exit 1) when the committed file is stale, so CI catches a forgotten regeneration.
 */
export async function writeGenerated(target: string, fresh: string, what: string, command: string): Promise<void> {
  const file = Bun.file(target);
  const current = (await file.exists()) ? await file.text() : "";
  if (process.argv.includes("--check")) {
    if (current !== fresh) {
      console.error(`${what} stale: run \`${command}\` (${target})`);
      process.exit(1);
    }
    console.log(`${what} up to date`);
  } else if (current !== fresh) {
    await Bun.write(target, fresh);
    console.log(`wrote ${target}`);
  } else {
    console.log(`${what} unchanged`);
  }
}
