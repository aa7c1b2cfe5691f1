// `-config=DIR`: which files of a directory Vault Agent loads (its LoadConfigDir rules) and the
// adapter that lists them. Files ending .hcl or .json are loaded, sorted by name so the merge
// order is stable; editor back-ups (`x~`, `.#x`, `#x#`) and subdirectories are skipped. In a
// mounted ConfigMap the `..data` entries are skipped by the same rule and the `config.hcl`
// symlinks are followed.
import { readdirSync } from 'node:fs';

/** The names to load from a directory's entries, in load order. */
export function configDirFiles(names: readonly string[]): string[] {
  return names
    .filter((n) => (n.endsWith('.hcl') || n.endsWith('.json')) && !isEditorTemporary(n))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isEditorTemporary(name: string): boolean {
  return name.endsWith('~') || name.startsWith('.#') || (name.startsWith('#') && name.endsWith('#'));
}

/** Entry names (subdirectories left out) when `path` is a readable directory, else undefined. */
export function listConfigDir(path: string): string[] | undefined {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch {
    return undefined;
  }
}
