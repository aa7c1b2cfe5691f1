// Numbers exactly as Vault sent them. Vault Agent decodes Vault's JSON with Go's UseNumber, so a
// KV value `1.50` renders `1.50` and `10000000000000000001` renders in full; JSON.parse would give
// 1.5 and 10000000000000000000. parseVaultJson keeps the source text (Node 22+'s reviver context)
// of every number whose text JavaScript would not print back the same; numbers that round-trip
// (`3600`, `0.5`, `-2`) stay plain numbers, so the core's own fields (lease_duration, ttl) are
// numbers and the common case costs only the reviver call.

/** Go's json.Number: the number's JSON text. Prints as that text, and JSON.stringify writes it raw. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): unknown {
    return rawJson(this.text === '' ? '0' : this.text);
  }

  /** How yaml.v2 (consul-template's toYAML) reads a json.Number: an int64 when it is one, else a float64. */
  toInt64OrFloat(): bigint | number {
    if (/^-?[0-9]+$/.test(this.text)) {
      const n = BigInt(this.text);
      if (n >= INT64_MIN && n <= INT64_MAX) return n;
    }
    return Number(this.text);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// JSON.rawJSON (Node 21+, not yet in TypeScript's ES2024 lib): JSON.stringify writes it verbatim.
const rawJson = (text: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text);

type ReviverContext = { source?: string } | undefined;

function keepExact(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number') return value;
  const source = context?.source;
  return source === undefined || String(value) === source ? value : new JsonNumber(source);
}

/**
 * JSON.parse keeping numbers that would not round-trip as JsonNumber; throws SyntaxError like
 * JSON.parse. Cost (docs/benchmarks/agent.md): ~6 µs instead of ~1 µs for a typical KV response.
 */
export function parseVaultJson(text: string): unknown {
  return JSON.parse(text, keepExact);
}

/** A number field the core reads (lease_duration, ttl): plain number, or undefined when absent or not numeric. */
export function plainNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof JsonNumber) return Number(value.text);
  return undefined;
}
