import { afterEach, describe, expect, it } from '@jest/globals';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import { createTlsDir, issueLeaf, type TlsDir } from '../../test/helpers/tls-dir.ts';
import type { CertBundle, CertSource } from './cert-source.ts';
import { CertLoadError, createFileCertSource, readCertPair } from './file-cert-source.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(): Promise<{ tls: TlsDir; source: CertSource; changes: CertBundle[]; next: () => Promise<CertBundle>; lines: string[] }> {
  const tls = await createTlsDir();
  const sink = createLogSink('info');
  const source = createFileCertSource({ certFile: tls.certFile, keyFile: tls.keyFile, log: sink.log, pollMs: 150, settleMs: 20 });
  const changes: CertBundle[] = [];
  const waiters: ((b: CertBundle) => void)[] = [];
  source.onChange((bundle) => {
    changes.push(bundle);
    waiters.shift()?.(bundle);
  });
  cleanups.push(() => tls.remove(), () => source.stop());
  const next = () => new Promise<CertBundle>((resolve) => waiters.push(resolve));
  return { tls, source, changes, next, lines: sink.lines };
}

describe('readCertPair', () => {
  it('reads a matching pair', async () => {
    const tls = await createTlsDir();
    cleanups.push(() => tls.remove());
    expect(await readCertPair(tls.certFile, tls.keyFile)).toEqual({ certPem: tls.current.certPem, keyPem: tls.current.keyPem });
  });

  it('rejects a missing file with WHK_TLS_LOAD', async () => {
    const tls = await createTlsDir();
    cleanups.push(() => tls.remove());
    await rm(tls.keyFile);
    await expect(readCertPair(tls.certFile, tls.keyFile)).rejects.toMatchObject({ code: 'WHK_TLS_LOAD', message: 'cannot read the TLS certificate or key file (ENOENT)' });
  });

  it('names the certificate when both files are missing, every time', async () => {
    // Both are read at once; which read fails first varies, the error reported must not.
    for (let i = 0; i < 50; i++) {
      const err = await readCertPair('/nonexistent/tls.crt', '/nonexistent/tls.key').catch((e: unknown) => e);
      expect(String((err as Error).cause)).toContain('/nonexistent/tls.crt');
    }
  });

  it('rejects a key that does not belong to the certificate, without quoting either', async () => {
    const tls = await createTlsDir();
    cleanups.push(() => tls.remove());
    const other = await issueLeaf(tls.ca);
    const keyFile = join(tls.dir, 'other.key');
    await writeFile(keyFile, other.keyPem);
    const err = await readCertPair(tls.certFile, keyFile).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertLoadError);
    expect((err as Error).message).toMatch(/^the TLS certificate and key are not a valid matching PEM pair/);
    expect((err as Error).message).not.toContain('PRIVATE KEY');
  });
});

describe('createFileCertSource', () => {
  it('starts with the pair on disk', async () => {
    const { tls, source } = await setup();
    expect(await source.start()).toEqual({ certPem: tls.current.certPem, keyPem: tls.current.keyPem });
  });

  it('emits the new pair after a Kubernetes-style ..data symlink swap', async () => {
    const { tls, source, next } = await setup();
    await source.start();
    const changed = next();
    const rotated = await tls.rotate();
    expect(await changed).toEqual({ certPem: rotated.certPem, keyPem: rotated.keyPem });
  });

  it('ignores a mismatched or half-written pair and an unchanged rewrite, then takes the next good one', async () => {
    const { tls, source, changes, next, lines } = await setup();
    const first = await source.start();
    const other = await issueLeaf(tls.ca);
    await tls.swapIn({ 'tls.crt': first.certPem, 'tls.key': other.keyPem });
    await tls.swapIn({ 'tls.crt': other.certPem.slice(0, 100), 'tls.key': other.keyPem });
    await tls.swapIn({ 'tls.crt': first.certPem, 'tls.key': first.keyPem });
    const changed = next();
    const rotated = await tls.rotate();
    expect(await changed).toEqual({ certPem: rotated.certPem, keyPem: rotated.keyPem });
    expect(changes).toEqual([{ certPem: rotated.certPem, keyPem: rotated.keyPem }]);
    expect(lines.join('\n')).not.toContain('PRIVATE KEY');
  });

  it('fails to start when the files are missing', async () => {
    const sink = createLogSink('info');
    const source = createFileCertSource({ certFile: '/nonexistent/tls.crt', keyFile: '/nonexistent/tls.key', log: sink.log });
    await expect(source.start()).rejects.toBeInstanceOf(CertLoadError);
    await source.stop();
  });
});
