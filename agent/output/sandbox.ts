// Where rendered files may be written (consul-template's SandboxPath, made stricter): a
// destination is absolute, has no `.`/`..` segments and, when roots are configured, lies strictly
// under one of them. Roots: the webhook passes the secret volume mount paths
// (`vaultlet.destination_roots`).
//
// The filesystem side is not judged here: a check on a path string followed by a write on the
// same string is a race another container sharing the volume can win. The write itself reaches the
// directory from its root without following any symlink (walkFor below, dir-walk.ts). Without
// roots (an `agent-configmap` pod) that walk starts at `/`, so no directory on the path may be a
// symlink at all.
import { posix } from 'node:path';
import { WriteError } from './errors.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

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

/** The cleaned destination, or a WriteError (code AGT_DESTINATION) naming it. */
export function resolveDestination(destination: string, roots: readonly string[]): string {
  const problem = destinationProblem(destination, roots);
  if (problem !== undefined) throw new WriteError('AGT_DESTINATION', destination, problem);
  return posix.normalize(destination);
}

/** How a write reaches `path`: from `root`, through the directories `dirs`, to the file `name`. */
export interface Walk {
  readonly root: string;
  readonly dirs: readonly string[];
  readonly name: string;
}

/**
 * The walk for a path that passed destinationProblem: from the deepest root holding it, else
 * from `/`. Throws AGT_DESTINATION for a path that names no file.
 */
export function walkFor(path: string, roots: readonly string[]): Walk {
  const problem = destinationProblem(path, []);
  if (problem !== undefined) throw new WriteError('AGT_DESTINATION', path, problem);
  const clean = posix.normalize(path);
  const root = rootFor(clean, roots) ?? '/';
  const below = (root === '/' ? clean.slice(1) : clean.slice(root.length + 1)).split('/').filter((s) => s !== '');
  const name = below.pop();
  if (name === undefined) throw new WriteError('AGT_DESTINATION', path, 'must name a file, not a directory');
  return { root, dirs: below, name };
}

/** The deepest root that strictly contains `clean`. */
function rootFor(clean: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const raw of roots) {
    const r = posix.normalize(raw);
    if (r.startsWith('/') && isUnder(clean, r) && (best === undefined || r.length > best.length)) best = r;
  }
  return best === undefined || best === '/' ? best : trimTrailing(best, '/');
}

/** True when `p` is strictly inside `root`. */
function isUnder(p: string, root: string): boolean {
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  if (p === r || (r === '' && p === '/')) return false;
  return p.startsWith(`${r}/`);
}
