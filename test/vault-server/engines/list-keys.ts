// LIST semantics shared by KV v1 and v2: direct children of a folder, sub-folders with a trailing
// slash, sorted.

export function listChildren(paths: Iterable<string>, folder: string): string[] {
  const prefix = folder === '' ? '' : `${folder.replace(/\/+$/, '')}/`;
  const keys = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(prefix) || path === prefix) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...keys].sort();
}
