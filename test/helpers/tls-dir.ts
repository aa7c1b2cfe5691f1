// A temp directory laid out like a mounted Kubernetes Secret (`tls.crt -> ..data/tls.crt`,
// `..data -> ..<timestamp>`), with certificates from shared/tls/certificates.ts, and a rotate()
// that swaps `..data` atomically the way the kubelet does.
import { mkdtemp, mkdir, rename, rm, symlink, writeFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, type CertificateAuthority, type KeyPairPem } from '../../shared/tls/certificates.ts';

export interface TlsDir {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly ca: CertificateAuthority;
  /** The pair currently linked through `..data`. */
  current: KeyPairPem;
  /** Issues a new leaf from the same CA and swaps it in; resolves once the swap is done. */
  rotate(): Promise<KeyPairPem>;
  /** Swaps in arbitrary file contents (for half-written or mismatched pairs). */
  swapIn(files: { readonly 'tls.crt': string; readonly 'tls.key': string }): Promise<void>;
  remove(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
let generation = 0;

export async function issueLeaf(ca: CertificateAuthority): Promise<KeyPairPem> {
  return issueCertificate({ ca, commonName: 'vaultlet-webhook', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityMs: DAY_MS, usages: ['server'] });
}

export async function createTlsDir(): Promise<TlsDir> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlet-tls-'));
  const ca = await createCa({ commonName: 'vaultlet test CA', validityMs: DAY_MS });
  const leaf = await issueLeaf(ca);

  async function swapIn(files: { readonly 'tls.crt': string; readonly 'tls.key': string }): Promise<void> {
    generation += 1;
    const name = `..2026_11_25_00_00_00.${process.pid}_${generation}`;
    const target = join(dir, name);
    await mkdir(target);
    await writeFile(join(target, 'tls.crt'), files['tls.crt']);
    await writeFile(join(target, 'tls.key'), files['tls.key']);
    await writeFile(join(target, 'ca.crt'), ca.certPem);
    let previous: string | undefined;
    try {
      previous = await readlink(join(dir, '..data'));
    } catch {
      previous = undefined;
    }
    await symlink(name, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    if (previous === undefined) {
      for (const file of ['tls.crt', 'tls.key', 'ca.crt']) await symlink(join('..data', file), join(dir, file));
    } else {
      await rm(join(dir, previous), { recursive: true, force: true });
    }
  }

  await swapIn({ 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem });
  const tlsDir: TlsDir = {
    dir,
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    caFile: join(dir, 'ca.crt'),
    ca,
    current: leaf,
    async rotate() {
      const next = await issueLeaf(ca);
      await swapIn({ 'tls.crt': next.certPem, 'tls.key': next.keyPem });
      tlsDir.current = next;
      return next;
    },
    swapIn,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  return tlsDir;
}
