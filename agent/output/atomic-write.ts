// Writing rendered files and token sinks the way consul-template's AtomicWrite does: a temp file
// in the same directory, fsync, chmod, rename over the target, fsync the directory. A reader sees
// the old bytes or the new bytes, never a partial or missing file. Unchanged bytes are not
// rewritten (no mtime churn, no spurious reloads). The only agent file writing outputs with node:fs.
//
// Every step goes through a descriptor of the destination's directory reached from its root
// without following symlinks (dir-walk.ts): the temp file, the rename and the read of the current
// bytes cannot be redirected out of the volume by a container that shares it.
// The write itself uses synchronous calls: on the tmpfs secrets volume they take microseconds,
// while each async call waited an event-loop turn behind every other template's network I/O and
// delayed the first file (docs/benchmarks/agent.md). On a disk-backed volume an fsync can block
// the agent for milliseconds, which nothing in it is sensitive to.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { toError } from '../../shared/errors.ts';
import { WriteError } from './errors.ts';
import { at, errnoCode, openDirBeneath } from './dir-walk.ts';
import { walkFor } from './sandbox.ts';

export interface WriteOptions {
  /**
   * File mode; default: the existing file's permission bits (setuid, setgid and sticky dropped),
   * else 0o644 (Vault Agent's default).
   */
  readonly mode?: number;
  /** Create missing parent directories (mode 0o755, whatever the umask). */
  readonly createDirs?: boolean;
  /**
   * Directories the path may lie under (the secret volume mounts). The walk starts at the one
   * holding the path, else at `/`; no directory below that start may be a symlink.
   */
  readonly roots?: readonly string[];
}

const DEFAULT_MODE = 0o644;
/** Largest existing file compared byte for byte before a write; a bigger one is simply rewritten. */
const MAX_COMPARE_BYTES = 64 * 1024 * 1024;

/** The temp name for `name`; the start-up sweep (temp-sweep.ts) recognises exactly this shape. */
export function tempName(name: string, pid: number, unique: bigint): string {
  return `.${name}.tmp.${pid}.${unique.toString(36)}`;
}

/** Writes atomically; resolves false (writing nothing) when the file already holds these bytes. */
export function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<boolean> {
  try {
    return Promise.resolve(writeFileAtomicSync(path, content, options));
  } catch (err) {
    return Promise.reject(toError(err));
  }
}

function writeFileAtomicSync(path: string, content: string | Uint8Array, options: WriteOptions): boolean {
  const bytes =
    typeof content === 'string'
      ? Buffer.from(content, 'utf8')
      : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const walk = walkFor(path, options.roots ?? []);
  let dirFd: number;
  try {
    dirFd = openDirBeneath(walk.root, walk.dirs, path, { create: options.createDirs === true });
  } catch (err) {
    if (err instanceof WriteError) throw err;
    throw new WriteError('AGT_WRITE', path, `cannot write (${errnoCode(err)})`, { cause: err });
  }
  try {
    return writeIn(dirFd, walk.name, path, bytes, options.mode);
  } finally {
    closeSync(dirFd);
  }
}

function writeIn(dirFd: number, name: string, path: string, bytes: Buffer, requested: number | undefined): boolean {
  const existing = readExisting(dirFd, name, path, bytes.length);
  // Without `perms` only the permission bits carry over: a setuid/setgid/sticky bit planted on
  // the file by someone sharing the volume must not survive a re-render.
  const mode = requested ?? (existing !== undefined ? existing.mode & 0o777 : DEFAULT_MODE);
  if (existing !== undefined && existing.mode === mode && existing.bytes?.equals(bytes) === true) return false;
  // Unique without node:crypto (start-up cost): pid + monotonic clock never repeat on a node, and
  // O_EXCL refuses a leftover anyway.
  const tmp = tempName(name, process.pid, process.hrtime.bigint());
  try {
    writeAndSync(at(dirFd, tmp), bytes, mode);
    renameSync(at(dirFd, tmp), at(dirFd, name));
  } catch (err) {
    try {
      unlinkSync(at(dirFd, tmp));
    } catch {
      // the write error below is the one to report
    }
    throw new WriteError('AGT_WRITE', path, `cannot write (${errnoCode(err)})`, { cause: err });
  }
  try {
    fsyncSync(dirFd); // makes the rename durable; some filesystems refuse fsync on a directory
  } catch {
    // best effort
  }
  return true;
}

/**
 * The current file's mode, and its bytes when it is a regular file of the new length. Anything
 * else at the name (a symlink, a FIFO, a directory) is treated as absent: the rename replaces a
 * link or FIFO itself, and fails on a directory.
 */
function readExisting(
  dirFd: number,
  name: string,
  path: string,
  length: number,
): { mode: number; bytes?: Buffer } | undefined {
  let st: Stats;
  try {
    st = lstatSync(at(dirFd, name)); // lstat: a symlink is not followed, a device never opened
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new WriteError('AGT_WRITE', path, `cannot stat the current file (${errnoCode(err)})`, { cause: err });
  }
  if (!st.isFile()) return undefined;
  const mode = st.mode & 0o7777;
  if (st.size !== length || length > MAX_COMPARE_BYTES) return { mode };
  let fd: number;
  try {
    fd = openSync(
      at(dirFd, name),
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY,
    );
  } catch {
    return { mode }; // unreadable or replaced meanwhile: just rewrite it
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile() || now.ino !== st.ino) return { mode };
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    while (off < length) {
      const n = readSync(fd, buf, off, length - off, off);
      if (n === 0) return { mode }; // shrank meanwhile: just rewrite
      off += n;
    }
    return { mode, bytes: buf };
  } finally {
    closeSync(fd);
  }
}

function writeAndSync(tmp: string, bytes: Buffer, mode: number): void {
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
