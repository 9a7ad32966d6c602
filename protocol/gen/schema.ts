/**
 * Writes protocol/schema/protocol.schema.json from the definitions and records in protocol/.
 * `--check` fails (exit 1) when the committed file is stale instead of writing it.
 */
import { writeGenerated } from "./write-generated.ts";
import { definitions, methods, events, PROTOCOL_VERSIONS } from "../index.ts";
import type { Schema } from "../schema-builder.ts";

const target = new URL("../schema/protocol.schema.json", import.meta.url).pathname;

const namesBySchema = new Map<Schema, string>(Object.entries(definitions).map(([name, schema]) => [schema, name]));

/** A named definition becomes a `$ref`; an unnamed schema is written inline. */
function refOrInline(schema: Schema): unknown {
  const name = namesBySchema.get(schema);
  return name ? { $ref: `#/definitions/${name}` } : schema;
}

export function renderSchemaBundle(): string {
  const bundle = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://openclaw.ai/schema/gateway-protocol.json",
    title: "OpenClaw Gateway protocol",
    protocolVersions: PROTOCOL_VERSIONS,
    methods: Object.fromEntries(
      Object.entries(methods).map(([name, m]) => [
        name,
        {
          params: refOrInline(m.params),
          ...("result" in m && m.result ? { result: refOrInline(m.result) } : {}),
          roles: m.roles,
          scope: m.scope,
          idempotent: m.idempotent,
        },
      ]),
    ),
    events: Object.fromEntries(Object.entries(events).map(([name, e]) => [name, { payload: refOrInline(e.payload), audience: e.audience, dropIfSlow: e.dropIfSlow }])),
    definitions,
  };
  return JSON.stringify(bundle, null, 2) + "\n";
}

if (import.meta.main) {
  await writeGenerated(target, renderSchemaBundle(), "protocol schema is", "bun run protocol:gen");
}
