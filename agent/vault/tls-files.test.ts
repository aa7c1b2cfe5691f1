import { describe, expect, it } from '@jest/globals';
import { createTlsSource, type TlsFilesPort } from './tls-files.ts';

/** Files in memory; `version` bumps like a rewrite (new mtime), and reads are counted. */
function memoryFiles(
  initial: Record<string, string>,
): TlsFilesPort & { files: Map<string, { text: string; version: number }>; reads: string[] } {
  const files = new Map(Object.entries(initial).map(([p, text]) => [p, { text, version: 1 }]));
  const reads: string[] = [];
  const get = (p: string): { text: string; version: number } => {
    const f = files.get(p);
    if (f === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return f;
  };
  return {
    files,
    reads,
    stat: (p) => ({ mtimeMs: get(p).version, size: get(p).text.length, ino: 1 }),
    readText: (p) => {
      reads.push(p);
      return get(p).text;
    },
    list: (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)),
  };
}

describe('createTlsSource', () => {
  it('joins PEM bytes, ca_cert and the .pem/.crt files of ca_path (sorted), and reads the client pair', () => {
    const fs = memoryFiles({
      '/tls/ca.crt': 'CA-FILE',
      '/cas/b.pem': 'CA-B',
      '/cas/a.crt': 'CA-A',
      '/cas/notes.txt': 'no',
      '/tls/tls.crt': 'CERT',
      '/tls/tls.key': 'KEY',
    });
    const source = createTlsSource(
      {
        caPem: 'CA-BYTES',
        caCertPath: '/tls/ca.crt',
        caPath: '/cas',
        clientCertPath: '/tls/tls.crt',
        clientKeyPath: '/tls/tls.key',
      },
      fs,
    );
    expect(source()).toEqual({ ca: 'CA-BYTES\nCA-FILE\nCA-A\nCA-B', cert: 'CERT', key: 'KEY' });
  });

  it('reads again only after a file changed, and sees a CA file added to ca_path', () => {
    const fs = memoryFiles({ '/tls/ca.crt': 'CA-1', '/cas/a.pem': 'A' });
    const source = createTlsSource({ caCertPath: '/tls/ca.crt', caPath: '/cas' }, fs);
    const first = source();
    expect(source()).toBe(first);
    expect(fs.reads).toHaveLength(2);
    fs.files.set('/tls/ca.crt', { text: 'CA-2', version: 2 });
    expect(source().ca).toBe('CA-2\nA');
    fs.files.set('/cas/b.crt', { text: 'B', version: 1 });
    expect(source().ca).toBe('CA-2\nA\nB');
    expect(source()).toBe(source());
  });

  it('gives empty material without files, and throws the file system error for a missing file', () => {
    expect(createTlsSource({}, memoryFiles({}))()).toEqual({});
    expect(() => createTlsSource({ clientCertPath: '/gone' }, memoryFiles({}))()).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});
