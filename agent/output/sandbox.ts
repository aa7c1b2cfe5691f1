// Where rendered files may be written (consul-template's SandboxPath, made stricter): a
// destination is absolute, has no `.`/`..` segments, lies strictly under one of the roots, and
// its existing parent directories do not lead out of that root through a symlink.
//
// Roots: the webhook passes the secret volume mount paths (`vaultlet.destination_roots`). When no
// roots are configured, each template's root is the directory of its own configured destination,
// so only the symlink check applies (a parent replaced by a symlink elsewhere is still refused).
import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { WriteError } from './errors.ts';

/** Why `destination` is not acceptable for these roots, judged on the text alone; undefined if fine. */
export function destinationProblem(destination: string, roots: readonly string[]): string | undefined {
  if (!destination.startsWith('/')) return 'must be an absolute path';
  if (destination.includes('\0')) return 'must not contain NUL';
  const segments = destination.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  if (destination.endsWith('/')) return 'must name a file, not a directory';
  if (roots.length > 0 && rootFor(posix.normalize(destination), roots) === undefined) {
    return `must be under ${roots.map((r) => `"${r}"`).join(' or ')}`;
  }
  return undefined;
}

/**
 * The cleaned destination, or a WriteError (code AGT_DESTINATION) naming it. Checks the
 * filesystem as it is now, so call it right before writing.
 */
export function resolveDestination(destination: string, roots: readonly string[]): string {
  const problem = destinationProblem(destination, roots);
  if (problem !== undefined) throw new WriteError('AGT_DESTINATION', destination, problem);
  const clean = posix.normalize(destination);
  const root = roots.length > 0 ? (rootFor(clean, roots) ?? posix.dirname(clean)) : posix.dirname(clean);
  const existing = nearestExistingDir(posix.dirname(clean));
  if (existing !== undefined && isUnder(existing.lexical, root, true)) {
    const realRoot = realpathOr(root) ?? root;
    if (!isUnder(existing.real, realRoot, true)) {
      throw new WriteError('AGT_DESTINATION', destination, `a parent directory leads out of "${root}" through a symlink`);
    }
  }
  return clean;
}

function rootFor(clean: string, roots: readonly string[]): string | undefined {
  return roots.map((r) => posix.normalize(r)).find((r) => r.startsWith('/') && isUnder(clean, r, false));
}

/** True when `p` is strictly inside `root` (or equal to it when `orEqual`). */
function isUnder(p: string, root: string, orEqual: boolean): boolean {
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  if (p === r || (r === '' && p === '/')) return orEqual;
  return p.startsWith(`${r}/`);
}

function nearestExistingDir(dir: string): { lexical: string; real: string } | undefined {
  let current = dir;
  for (;;) {
    const real = realpathOr(current);
    if (real !== undefined) return { lexical: current, real };
    const parent = posix.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function realpathOr(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
