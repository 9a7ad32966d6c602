/**
 * Writes protocol/swift/OpenClawProtocol.swift (Codable models for the Apple clients) from the
 * same bundle `protocol:gen` emits, so the Swift side can never drift from the JSON Schema.
 * `--check` fails (exit 1) when the committed file is stale instead of writing it.
 */
import { writeGenerated } from "./write-generated.ts";
import type { JsonSchema } from "../schema-builder.ts";
import { renderSchemaBundle } from "./schema.ts";

const target = new URL("../swift/OpenClawProtocol.swift", import.meta.url).pathname;

// Reserved words that must be escaped with backticks when used as identifiers. `type` is only
// contextual in Swift and is fine unescaped.
const KEYWORDS = new Set(
  ("associatedtype class deinit enum extension fileprivate func import init inout internal let open " +
    "operator private precedencegroup protocol public rethrows static struct subscript typealias var " +
    "break case catch continue default defer do else fallthrough for guard if in repeat return throw " +
    "switch where while as Any false is nil self Self super throws true try await").split(" "),
);

/** `auth-mode` / `authMode` → `AuthMode`. */
function upperCamel(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
}

/** A valid Swift identifier for a JSON key or enum value (`$schema` → `schema`, `ok-empty` → `okEmpty`). */
function swiftName(raw: string): string {
  const camel = upperCamel(raw);
  const name = camel ? camel[0]!.toLowerCase() + camel.slice(1) : "value";
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `name` as written in source: backticks for keywords so `protocol`/`default` stay usable. */
function ident(name: string): string {
  return KEYWORDS.has(name) ? `\`${name}\`` : name;
}

const isObject = (s: JsonSchema) => s.type === "object" && typeof s.properties === "object";
const asSchema = (v: unknown): JsonSchema => (v && typeof v === "object" ? (v as JsonSchema) : {});

class SwiftEmitter {
  private readonly blocks: string[] = [];
  private readonly taken = new Set<string>();
  /** Inline copies of named definitions (the bundle inlines them) map back to the named type. */
  private readonly named = new Map<string, string>();

  constructor(private readonly definitions: Record<string, JsonSchema>) {
    for (const [name, schema] of Object.entries(definitions)) {
      const key = JSON.stringify(schema);
      if (!this.named.has(key)) this.named.set(key, name);
    }
  }

  render(): string {
    for (const [name, schema] of Object.entries(this.definitions)) {
      if (isObject(schema)) this.struct(name, schema);
      else this.alias(name, schema);
    }
    return this.blocks.join("\n");
  }

  /** Names are global in Swift; a clash would silently merge two shapes, so it is an error. */
  private claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`swift gen: type name ${name} is generated twice`);
    this.taken.add(name);
    return name;
  }

  /** Top-level definitions that are not objects (none today) still get a name via typealias. */
  private alias(name: string, schema: JsonSchema) {
    const type = this.typeOf(schema, name, false);
    this.blocks.push(`public typealias ${this.claim(name)} = ${type}\n`);
  }

  /** The Swift type for `schema`; `owner` names any nested type it needs (`<Parent><Field>`). */
  private typeOf(schema: JsonSchema, owner: string, allowNamed = true): string {
    if (typeof schema.$ref === "string") return schema.$ref.split("/").pop()!;
    const named = allowNamed ? this.named.get(JSON.stringify(schema)) : undefined;
    if (named) return named;
    if (Array.isArray(schema.anyOf)) {
      const variants = schema.anyOf.map(asSchema);
      const others = variants.filter((v) => v.type !== "null");
      // Nullable (`T | null`) is the only union Swift can express without a hand-written enum.
      if (others.length === 1 && variants.length === 2) return this.optionalOf(this.typeOf(others[0]!, owner));
      return "AnyCodable";
    }
    if ("const" in schema) {
      const value = schema.const;
      if (typeof value === "string") return "String";
      if (typeof value === "boolean") return "Bool";
      if (typeof value === "number") return Number.isInteger(value) ? "Int" : "Double";
      return "AnyCodable";
    }
    switch (schema.type) {
      case "string":
        return Array.isArray(schema.enum) ? this.stringEnum(owner, schema.enum.map(String)) : "String";
      case "integer":
        return "Int";
      case "number":
        return "Double";
      case "boolean":
        return "Bool";
      case "array":
        return `[${this.typeOf(asSchema(schema.items), owner)}]`;
      case "object":
        if (isObject(schema)) return this.struct(owner, schema);
        // A record; `additionalProperties: true` or absent means any JSON value.
        return `[String: ${this.typeOf(asSchema(schema.additionalProperties), owner)}]`;
      default:
        return "AnyCodable";
    }
  }

  private optionalOf(type: string): string {
    return type.endsWith("?") ? type : `${type}?`;
  }

  private stringEnum(name: string, values: string[]): string {
    const names = values.map(swiftName);
    if (new Set(names).size !== names.length) throw new Error(`swift gen: enum ${name} has values that map to the same case`);
    const cases = values.map((value, i) =>
      names[i] === value ? `    case ${ident(value)}` : `    case ${ident(names[i]!)} = ${JSON.stringify(value)}`,
    );
    this.blocks.push(`public enum ${this.claim(name)}: String, Codable, Sendable {\n${cases.join("\n")}\n}\n`);
    return name;
  }

  /** One struct; its slot is reserved first so it reads before the nested types it creates. */
  private struct(name: string, schema: JsonSchema): string {
    this.claim(name);
    const slot = this.blocks.push("") - 1;
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    const props = Object.entries(asSchema(schema.properties)).map(([key, value]) => {
      const sub = asSchema(value);
      const base = this.typeOf(sub, name + upperCamel(key));
      const type = required.has(key) ? base : this.optionalOf(base);
      const constDefault = ["string", "number", "boolean"].includes(typeof sub.const) ? JSON.stringify(sub.const) : undefined;
      return { key, swift: swiftName(key), type, description: sub.description, constDefault };
    });
    if (new Set(props.map((p) => p.swift)).size !== props.length) {
      throw new Error(`swift gen: properties of ${name} map to the same Swift name`);
    }

    const lines: string[] = [];
    if (typeof schema.description === "string") lines.push(`/// ${schema.description.replace(/\s+/g, " ")}`);
    lines.push(`public struct ${name}: Codable, Sendable {`);
    for (const p of props) {
      if (typeof p.description === "string") lines.push(`    /// ${p.description.replace(/\s+/g, " ")}`);
      lines.push(`    public let ${ident(p.swift)}: ${p.type}`);
    }
    // Literal fields (`type: "req"`) default to their only legal value; optionals default to nil.
    const params = props.map((p) => {
      const fallback = p.type.endsWith("?") ? " = nil" : p.constDefault ? ` = ${p.constDefault}` : "";
      return `${ident(p.swift)}: ${p.type}${fallback}`;
    });
    if (props.length === 0) {
      lines.push("    public init() {}", "}");
      this.blocks[slot] = lines.join("\n") + "\n";
      return name;
    }
    lines.push("");
    const oneLine = `    public init(${params.join(", ")}) {`;
    lines.push(oneLine.length <= 120 ? oneLine : `    public init(\n${params.map((p) => `        ${p}`).join(",\n")}\n    ) {`);
    for (const p of props) lines.push(`        self.${ident(p.swift)} = ${ident(p.swift)}`);
    lines.push("    }");
    // JSON keys that are not Swift identifiers need an explicit key mapping.
    if (props.some((p) => p.swift !== p.key)) {
      lines.push("", "    enum CodingKeys: String, CodingKey {");
      for (const p of props) {
        lines.push(p.swift === p.key ? `        case ${ident(p.swift)}` : `        case ${ident(p.swift)} = ${JSON.stringify(p.key)}`);
      }
      lines.push("    }");
    }
    lines.push("}");
    this.blocks[slot] = lines.join("\n") + "\n";
    return name;
  }
}

// A minimal JSON value for `unknown` fields and unions, so the file needs no dependency.
const ANY_CODABLE = `/// Any JSON value; used for \`unknown\` fields and unions Swift cannot model directly.
public enum AnyCodable: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([AnyCodable])
    case object([String: AnyCodable])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyCodable].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: AnyCodable].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unsupported JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
`;

/** `definitions` defaults to the live bundle; passing others lets tests exercise edge cases. */
export function renderSwiftModels(
  definitions = (JSON.parse(renderSchemaBundle()) as { definitions: Record<string, JsonSchema> }).definitions,
): string {
  const header =
    "// OpenClawProtocol.swift: gateway protocol models.\n" +
    "// Generated by `bun run protocol:gen:swift` from protocol/ (see protocol/gen/swift.ts). Do not edit.\n";
  return `${header}\n${new SwiftEmitter(definitions).render()}\n${ANY_CODABLE}`;
}

if (import.meta.main) {
  await writeGenerated(target, renderSwiftModels(), "swift models are", "bun run protocol:gen:swift");
}
