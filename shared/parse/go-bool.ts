// Go's strconv.ParseBool: the exact spellings vault-k8s and Vault accept.
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Parses a Go-style boolean; throws with the accepted spellings listed. */
export function parseGoBool(raw: string): boolean {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new Error(`"${truncate(raw)}" is not a boolean (use true or false)`);
}

/** Like parseGoBool, but the empty string means false, as the injector's annotations do. */
export function parseWeakBool(raw: string): boolean {
  return raw === '' ? false : parseGoBool(raw);
}

export function truncate(raw: string, max = 64): string {
  return raw.length <= max ? raw : `${raw.slice(0, max)}…(${raw.length} chars)`;
}
