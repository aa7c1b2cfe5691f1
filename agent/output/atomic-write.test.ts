import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WriteError } from './errors.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-write.ts';

const modeOf = (p: string): number => statSync(p).mode & 0o7777;

describe('writeFileAtomic', () => {
  let dir: string;
  let oldUmask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-write-'));
    oldUmask = process.umask(0o077);
  });
  afterEach(() => {
    process.umask(oldUmask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new file with mode 0644 by default, whatever the umask, leaving no temp file', async () => {
    const file = join(dir, 'db-creds');
    expect(await writeFileAtomic(file, 'user=app\n')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('user=app\n');
    expect(modeOf(file)).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['db-creds']);
  });

  it('applies an explicit mode and writes bytes as given', async () => {
    const file = join(dir, 'key.der');
    const bytes = new Uint8Array([0, 1, 2, 255, 10]);
    expect(await writeFileAtomic(file, bytes, { mode: 0o600 })).toBe(true);
    expect([...readFileSync(file)]).toEqual([0, 1, 2, 255, 10]);
    expect(modeOf(file)).toBe(0o600);
  });

  it('keeps the existing file mode when none is given', async () => {
    const file = join(dir, 'conf');
    writeFileSync(file, 'old');
    chmodSync(file, 0o640);
    expect(await writeFileAtomic(file, 'new')).toBe(true);
    expect([readFileSync(file, 'utf8'), modeOf(file)]).toEqual(['new', 0o640]);
  });

  it('returns false and does not touch the file when the bytes are unchanged', async () => {
    const file = join(dir, 'same');
    await writeFileAtomic(file, 'content', { mode: 0o600 });
    const before = statSync(file);
    expect(await writeFileAtomic(file, 'content', { mode: 0o600 })).toBe(false);
    expect(await writeFileAtomic(file, Buffer.from('content'))).toBe(false);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('rewrites unchanged bytes when the mode must change', async () => {
    const file = join(dir, 'same');
    await writeFileAtomic(file, 'content', { mode: 0o644 });
    expect(await writeFileAtomic(file, 'content', { mode: 0o600 })).toBe(true);
    expect(modeOf(file)).toBe(0o600);
  });

  it('creates parent directories only when asked', async () => {
    const file = join(dir, 'a/b/c.txt');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(WriteError);
    expect(readdirSync(dir)).toEqual([]);
    expect(await writeFileAtomic(file, 'x', { createDirs: true })).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('fails with AGT_WRITE naming the path (not the content) and cleans up its temp file', async () => {
    const file = join(dir, 'target');
    mkdirSync(file); // rename of a file over a directory fails
    let caught: unknown;
    try {
      await writeFileAtomic(file, 'SENTINEL-content-91');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WriteError);
    expect(caught).toMatchObject({ code: 'AGT_WRITE', destination: file, message: `${file}: cannot write (EISDIR)` });
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('never lets a concurrent reader see a partial or missing file', async () => {
    const file = join(dir, 'big');
    const versions = 40;
    const size = 512 * 1024;
    const content = (v: number): string => String.fromCharCode(65 + (v % 26)).repeat(size);
    await writeFileAtomic(file, content(0));
    // The reader runs on another thread, so it really interleaves with the writes.
    const reader = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const fs = require('node:fs');
       let reads = 0, bad = 0, stop = false;
       parentPort.on('message', () => { stop = true; });
       const loop = () => {
         for (let i = 0; i < 200; i++) {
           try {
             const b = fs.readFileSync(workerData.file);
             reads++;
             if (b.length !== workerData.size || b[0] !== b[b.length - 1]) bad++;
           } catch { bad++; }
         }
         if (stop) parentPort.postMessage({ reads, bad }); else setImmediate(loop);
       };
       loop();`,
      { eval: true, workerData: { file, size } },
    );
    const result = new Promise<{ reads: number; bad: number }>((resolve) => reader.once('message', resolve));
    for (let v = 1; v <= versions; v++) await writeFileAtomic(file, content(v));
    reader.postMessage('stop');
    const { reads, bad } = await result;
    await reader.terminate();
    expect(bad).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(content(versions));
    expect(readdirSync(dir)).toEqual(['big']);
  });
});

describe('readFileIfExists', () => {
  it('returns the bytes, or undefined for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlet-read-'));
    try {
      writeFileSync(join(dir, 'f'), 'abc');
      expect((await readFileIfExists(join(dir, 'f')))?.toString()).toBe('abc');
      expect(await readFileIfExists(join(dir, 'missing'))).toBeUndefined();
      await expect(readFileIfExists(dir)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
