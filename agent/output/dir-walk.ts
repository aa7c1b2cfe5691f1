// Reaching a directory under a root without ever following a symlink, so that another container
// sharing the volume cannot redirect a write by swapping a directory for a symlink between a check
// and the write. Node has no openat(2); on Linux `/proc/self/fd/<fd>/<name>` is its equivalent:
// the kernel resolves the magic link to the directory the descriptor holds (wherever it now is),
// then `<name>` inside it, and O_NOFOLLOW refuses `<name>` when it is a symlink. Each step opens
// the next component through the descriptor of the one before, so no path string is looked up
// twice. Without /proc the walk refuses rather than fall back to racy path checks.
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { WriteError } from './errors.ts';

/** Mode of directories the agent creates (Vault Agent's 0755), set explicitly, not left to the umask. */
export const DIR_MODE = 0o755;

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** The path that names `name` inside the directory open as `dirFd` (openat's equivalent). */
export function at(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

export interface WalkOptions {
  /** Create missing directories (mode DIR_MODE); otherwise a missing one is ENOENT. */
  readonly create: boolean;
}

/**
 * Opens `root` (which must not itself be a symlink), then each of `names` below it, refusing any
 * that is a symlink or not a directory. Returns the descriptor of the last one; the caller closes it.
 * `destination` only names the error. Throws WriteError AGT_DESTINATION for a symlink or
 * non-directory, AGT_WRITE for other failures, and a plain ENOENT error (code 'ENOENT') for a missing
 * directory when not creating.
 */
export function openDirBeneath(
  root: string,
  names: readonly string[],
  destination: string,
  options: WalkOptions,
): number {
  let fd = openRoot(root, destination);
  try {
    for (const name of names) {
      const next = openChild(fd, name, destination, options);
      closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function openRoot(root: string, destination: string): number {
  let fd: number;
  try {
    fd = openSync(root, DIR_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOTDIR' || code === 'ELOOP')
      throw new WriteError('AGT_DESTINATION', destination, `the root "${root}" is a symlink or not a directory`, {
        cause: err,
      });
    throw new WriteError('AGT_WRITE', destination, `cannot open the root "${root}" (${code})`, { cause: err });
  }
  if (!procFdWorks(fd)) {
    closeSync(fd);
    throw new WriteError(
      'AGT_WRITE',
      destination,
      'refusing to write: /proc/self/fd is not available to reach directories without following symlinks',
    );
  }
  return fd;
}

function openChild(dirFd: number, name: string, destination: string, options: WalkOptions): number {
  try {
    return openSync(at(dirFd, name), DIR_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' && options.create) return createChild(dirFd, name, destination);
    if (code === 'ENOTDIR' || code === 'ELOOP')
      throw new WriteError(
        'AGT_DESTINATION',
        destination,
        `the parent directory "${name}" is a symlink or not a directory`,
        { cause: err },
      );
    if (code === 'ENOENT') throw err;
    throw new WriteError('AGT_WRITE', destination, `cannot open the parent directory "${name}" (${code})`, {
      cause: err,
    });
  }
}

function createChild(dirFd: number, name: string, destination: string): number {
  let created = true;
  try {
    // mkdir(2) never follows its last component: a planted symlink makes it fail with EEXIST.
    mkdirSync(at(dirFd, name), DIR_MODE);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST')
      throw new WriteError(
        'AGT_WRITE',
        destination,
        `cannot create the parent directory "${name}" (${errnoCode(err)})`,
        { cause: err },
      );
    created = false; // made meanwhile by someone else: open it like any existing one
  }
  let fd: number;
  try {
    fd = openSync(at(dirFd, name), DIR_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOTDIR' || code === 'ELOOP')
      throw new WriteError(
        'AGT_DESTINATION',
        destination,
        `the parent directory "${name}" is a symlink or not a directory`,
        { cause: err },
      );
    throw new WriteError('AGT_WRITE', destination, `cannot open the parent directory "${name}" (${code})`, {
      cause: err,
    });
  }
  // The umask narrowed mkdir's mode; set the one Vault Agent uses on what we made.
  if (created) fchmodSync(fd, DIR_MODE);
  return fd;
}

/** /proc/self/fd/<fd> must name the very directory the descriptor holds (same device and inode). */
function procFdWorks(fd: number): boolean {
  try {
    const viaProc = statSync(`/proc/self/fd/${fd}`);
    const direct = fstatSync(fd);
    return viaProc.ino === direct.ino && viaProc.dev === direct.dev;
  } catch {
    return false;
  }
}

export function errnoCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
