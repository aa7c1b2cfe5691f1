// Writing rendered files and token sinks the way consul-template's AtomicWrite does: a temp file
// in the same directory, fsync, chmod, rename over the target, fsync the directory. A reader sees
// the old bytes or the new bytes, never a partial or missing file. Unchanged bytes are not
// rewritten (no mtime churn, no spurious reloads). The only agent file writing outputs with node:fs.
// The write itself uses synchronous calls: on the tmpfs secrets volume they take microseconds,
// while each async call waited an event-loop turn behind every other template's network I/O and
// delayed the first file (docs/benchmarks/agent.md). On a disk-backed volume an fsync can block
// the agent for milliseconds, which nothing in it is sensitive to.
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, promises as fsp, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { WriteError } from './errors.ts';

export interface WriteOptions {
  /** File mode; default: keep the existing file's mode, else 0o644 (Vault Agent's default). */
  readonly mode?: number;
  /** Create missing parent directories (mode 0o755 less umask). */
  readonly createDirs?: boolean;
}

const DEFAULT_MODE = 0o644;

/** Writes atomically; resolves false (writing nothing) when the file already holds these bytes. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<boolean> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const existing = statIfExists(path);
  const mode = options.mode ?? (existing?.isFile() === true ? existing.mode & 0o7777 : DEFAULT_MODE);
  if (existing !== undefined && existing.isFile() && (existing.mode & 0o7777) === mode) {
    const current = readSyncIfExists(path);
    if (current !== undefined && current.equals(bytes)) return false;
  }
  const dir = dirname(path);
  if (options.createDirs === true) await mkdirs(dir, path);
  // Unique without node:crypto (start-up cost): pid + monotonic clock never repeat on a node, and
  // O_EXCL refuses a leftover anyway.
  const tmp = join(dir, `.${basename(path)}.tmp.${process.pid}.${process.hrtime.bigint().toString(36)}`);
  try {
    writeAndSync(tmp, bytes, mode);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the write error below is the one to report
    }
    throw new WriteError('AGT_WRITE', path, `cannot write (${errnoCode(err)})`, { cause: err });
  }
  syncDir(dir);
  return true;
}

function readSyncIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** The file's bytes, or undefined when it does not exist. Other errors are thrown. */
export async function readFileIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function writeAndSync(tmp: string, bytes: Buffer, mode: number): void {
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function mkdirs(dir: string, path: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new WriteError('AGT_WRITE', path, `cannot create the parent directory (${errnoCode(err)})`, { cause: err });
  }
}

/** Makes the rename durable. Some filesystems refuse fsync on a directory; that is not an error. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function statIfExists(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new WriteError('AGT_WRITE', path, `cannot stat (${errnoCode(err)})`, { cause: err });
  }
}

function errnoCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
