// Vault answers with Go's json.Encoder: map keys sorted, compact, `<>&` and U+2028/2029 escaped,
// and a trailing newline. Clients that compare bodies byte for byte see the same bytes here.

/** Recursively sorts object keys, as Go does when it encodes a map. Arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) sorted[key] = sortKeys(source[key]);
    return sorted;
  }
  return value;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/** JSON text as Go's encoder writes it. Key order is the caller's (structs keep field order). */
export function encodeGoJson(value: unknown): string {
  return `${JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c)}\n`;
}
