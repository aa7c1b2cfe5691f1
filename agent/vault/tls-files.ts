// The TLS material for Vault connections (CA bundle, client certificate and key), read from the
// files `ca_cert`, `ca_path`, `client_cert` and `client_key` name. Certificates are rotated in
// place (cert-manager, a re-synced Secret volume), so the files are checked before every request
// and read again only when one changed: a stat per file, nothing more, when nothing did.
import { readFileSync, readdirSync, statSync } from 'node:fs';

export interface TlsMaterial {
  /** CA bundle PEM; undefined = the system roots. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface TlsSources {
  /** PEM given directly (VAULT_CACERT_BYTES), added to the bundle. */
  readonly caPem?: string;
  readonly caCertPath?: string;
  /** A directory: every `.pem`/`.crt` in it joins the bundle. */
  readonly caPath?: string;
  readonly clientCertPath?: string;
  readonly clientKeyPath?: string;
}

/** What changes when a file is replaced or rewritten (a Secret volume swaps a symlink: new inode). */
export interface FileVersion {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

export interface TlsFilesPort {
  stat(path: string): FileVersion;
  readText(path: string): string;
  list(dir: string): string[];
}

export const nodeTlsFiles: TlsFilesPort = {
  stat: (path) => {
    const s = statSync(path);
    return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
  },
  readText: (path) => readFileSync(path, 'utf8'),
  list: (dir) => readdirSync(dir),
};

const CA_FILE = /\.(pem|crt)$/;

/**
 * A function giving the current material: the same object while no file changed, a freshly read
 * one after a change. Throws the file system's error (with its code) when a file cannot be read.
 */
export function createTlsSource(sources: TlsSources, files: TlsFilesPort = nodeTlsFiles): () => TlsMaterial {
  let lastKey: string | undefined;
  let last: TlsMaterial = {};
  return () => {
    const caFiles = [
      ...(sources.caCertPath !== undefined ? [sources.caCertPath] : []),
      ...(sources.caPath !== undefined
        ? files
            .list(sources.caPath)
            .filter((n) => CA_FILE.test(n))
            .sort()
            .map((n) => `${sources.caPath}/${n}`)
        : []),
    ];
    const watched = [...caFiles, sources.clientCertPath, sources.clientKeyPath].filter(
      (p): p is string => p !== undefined,
    );
    const key = watched
      .map((p) => {
        const v = files.stat(p);
        return `${p}\0${v.mtimeMs}\0${v.size}\0${v.ino}`;
      })
      .join('\n');
    if (key === lastKey) return last;
    const caParts = [...(sources.caPem !== undefined ? [sources.caPem] : []), ...caFiles.map((p) => files.readText(p))];
    last = Object.freeze({
      ...(caParts.length > 0 ? { ca: caParts.join('\n') } : {}),
      ...(sources.clientCertPath !== undefined ? { cert: files.readText(sources.clientCertPath) } : {}),
      ...(sources.clientKeyPath !== undefined ? { key: files.readText(sources.clientKeyPath) } : {}),
    });
    lastKey = key;
    return last;
  };
}
