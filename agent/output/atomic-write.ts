// Writing rendered files and token sinks the way consul-template's AtomicWrite does: a temp file
// in the same directory, fsync, chmod, rename over the target, fsync the directory. A reader sees
// the old bytes or the new bytes, never a partial or missing file. Unchanged bytes are not
// rewritten (no mtime churn, no spurious reloads). The only agent file writing outputs with node:fs.
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp, type Stats } from 'node:fs';
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
  const existing = await statIfExists(path);
  const mode = options.mode ?? (existing?.isFile() === true ? existing.mode & 0o7777 : DEFAULT_MODE);
  if (existing !== undefined && existing.isFile() && (existing.mode & 0o7777) === mode) {
    const current = await readFileIfExists(path);
    if (current !== undefined && current.equals(bytes)) return false;
  }
  const dir = dirname(path);
  if (options.createDirs === true) await mkdirs(dir, path);
  const tmp = join(dir, `.${basename(path)}.tmp.${randomBytes(4).toString('hex')}`);
  try {
    await writeAndSync(tmp, bytes, mode);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw new WriteError('AGT_WRITE', path, `cannot write (${errnoCode(err)})`, { cause: err });
  }
  await syncDir(dir);
  return true;
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

async function writeAndSync(tmp: string, bytes: Buffer, mode: number): Promise<void> {
  const fh = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await fh.writeFile(bytes);
    // open() applies the umask; chmod sets exactly the requested mode.
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
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
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new WriteError('AGT_WRITE', path, `cannot stat (${errnoCode(err)})`, { cause: err });
  }
}

function errnoCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
