// (adapter) The files auth methods read credentials from (service-account and IRSA tokens, role
// and secret IDs, token files) and delete after reading. Reads are bounded: a credential file is
// small, and a huge or endless one (a FIFO, /dev/zero) must not exhaust memory.
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { AuthError } from '../errors.ts';

/** Larger than any JWT or token Vault issues or accepts in practice. */
export const MAX_CREDENTIAL_BYTES = 256 * 1024;

export interface CredentialFiles {
  /** The file's text, or undefined when it does not exist. Throws AuthError on anything else. */
  read(path: string): string | undefined;
  /** Deletes the file (a symlink itself, not its target, as Vault Agent's os.Remove does). */
  remove(path: string): void;
}

export const nodeCredentialFiles: CredentialFiles = {
  read(path) {
    let fd: number;
    try {
      // O_NONBLOCK: opening a FIFO planted at the path must not wait for a writer (it is then
      // refused as not a regular file); regular files ignore the flag.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AuthError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new AuthError(`${path} is not a regular file`);
      const buffer = Buffer.alloc(MAX_CREDENTIAL_BYTES + 1);
      let size = 0;
      for (;;) {
        const n = readSync(fd, buffer, size, buffer.length - size, null);
        if (n === 0) break;
        size += n;
        if (size > MAX_CREDENTIAL_BYTES) throw new AuthError(`${path} is larger than ${MAX_CREDENTIAL_BYTES} bytes`);
      }
      return buffer.subarray(0, size).toString('utf8');
    } finally {
      closeSync(fd);
    }
  },
  remove(path) {
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new AuthError(`cannot remove ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  },
};

/** A credential file adapter on a plain read function (no removal), for callers without one. */
export function readOnlyCredentialFiles(readFile: (path: string) => string): CredentialFiles {
  return {
    read(path) {
      try {
        return readFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new AuthError(`cannot read ${path}`);
      }
    },
    remove(path) {
      throw new AuthError(`cannot remove ${path} (no file system access)`);
    },
  };
}
