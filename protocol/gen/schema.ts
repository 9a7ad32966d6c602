/**
 * Writes protocol/schema/protocol.schema.json from the definitions in protocol/.
 * `--check` fails (exit 1) when the committed file is stale instead of writing it.
 */
import { writeGenerated } from "./write-generated.ts";
import { definitions, methods, events, PROTOCOL_VERSIONS } from "../index.ts";

const target = new URL("../schema/protocol.schema.json", import.meta.url).pathname;

export function renderSchemaBundle(): string {
  const bundle = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://openclaw.ai/schema/gateway-protocol.json",
    title: "OpenClaw Gateway protocol",
    protocolVersions: PROTOCOL_VERSIONS,
    methods: Object.fromEntries(Object.entries(methods).map(([name, m]) => [name, { params: `#/definitions/${m.params}` }])),
    events,
    definitions,
  };
  return JSON.stringify(bundle, null, 2) + "\n";
}

if (import.meta.main) {
  await writeGenerated(target, renderSchemaBundle(), "protocol schema is", "bun run protocol:gen");
}
