// KV v2 path rewriting, as Vault Agent's template engine does it.

/** Splits `path?query` (a `?version=N` selector) so the preflight and the shim see only the path. */
export function splitQuery(raw: string): { path: string; query: string } {
  const i = raw.indexOf('?');
  return i < 0 ? { path: raw, query: '' } : { path: raw.slice(0, i), query: raw.slice(i) };
}

/** `mount/x` → `mount/data/x` for reads (`metadata/` for lists), unless already addressed so. */
export function shimKvV2Path(rawPath: string, mountPath: string, kind: 'read' | 'list'): string {
  const mount = mountPath.endsWith('/') ? mountPath : `${mountPath}/`;
  const infix = kind === 'list' ? 'metadata' : 'data';
  const clean = rawPath.replace(/^\/+/, '');
  if (clean === mount || clean === mount.slice(0, -1)) return `${mount}${infix}`;
  if (!clean.startsWith(mount)) return clean;
  const rest = clean.slice(mount.length);
  if (rest.startsWith('data/') || rest.startsWith('metadata/') || rest.startsWith('subkeys/')) return clean;
  return `${mount}${infix}/${rest}`;
}
