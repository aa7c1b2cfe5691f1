import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WriteError } from './errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

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

  it('creates parent directories only when asked, with mode 0755 whatever the umask', async () => {
    const file = join(dir, 'a/b/c.txt');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({
      code: 'AGT_WRITE',
      message: `${file}: cannot write (ENOENT)`,
    });
    expect(readdirSync(dir)).toEqual([]);
    expect(await writeFileAtomic(file, 'x', { createDirs: true })).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('x');
    expect([modeOf(join(dir, 'a')), modeOf(join(dir, 'a/b'))]).toEqual([0o755, 0o755]); // umask is 077 here
  });

  it('drops a setuid, setgid or sticky bit from the kept mode when no mode is given', async () => {
    const file = join(dir, 'planted');
    writeFileSync(file, 'old');
    chmodSync(file, 0o7755);
    expect(await writeFileAtomic(file, 'new')).toBe(true);
    expect(modeOf(file)).toBe(0o755);
    // Same bytes, but a planted bit still forces a rewrite that clears it.
    chmodSync(file, 0o4755);
    expect(await writeFileAtomic(file, 'new')).toBe(true);
    expect(modeOf(file)).toBe(0o755);
  });

  it('replaces a symlink at the destination itself, never writing through it', async () => {
    const outside = join(dir, 'outside');
    writeFileSync(outside, 'untouched');
    mkdirSync(join(dir, 'vol'));
    symlinkSync(outside, join(dir, 'vol/file'));
    expect(await writeFileAtomic(join(dir, 'vol/file'), 'secret', { roots: [join(dir, 'vol')] })).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(lstatSync(join(dir, 'vol/file')).isFile()).toBe(true);
  });

  it('does not block on a FIFO planted at the destination', async () => {
    const file = join(dir, 'fifo');
    execFileSync('mkfifo', [file]);
    expect(await writeFileAtomic(file, 'x')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses a parent directory that is a symlink, with roots and without (configmap pods), writing nothing', async () => {
    const root = join(dir, 'secrets');
    const outside = join(dir, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    symlinkSync(outside, join(root, 'escape'));
    for (const roots of [[root], []]) {
      const file = join(root, 'escape/file');
      await expect(writeFileAtomic(file, 'SENTINEL-9', { roots, createDirs: true })).rejects.toMatchObject({
        code: 'AGT_DESTINATION',
        message: `${file}: the parent directory "escape" is a symlink or not a directory`,
      });
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a root that is itself a symlink', async () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    await expect(writeFileAtomic(join(dir, 'link/file'), 'x', { roots: [join(dir, 'link')] })).rejects.toMatchObject({
      code: 'AGT_DESTINATION',
    });
    expect(readdirSync(join(dir, 'real'))).toEqual([]);
  });

  it('never lands a byte outside the root while another process swaps a parent directory for a symlink', async () => {
    const root = join(dir, 'secrets');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, 'app'), { recursive: true });
    mkdirSync(outside);
    // Another container sharing the volume: a tight loop swapping secrets/app between a real
    // directory and a symlink to `outside`, on its own thread so it truly races the writes.
    const swapper = new Worker(
      `const { parentPort, workerData: w } = require('node:worker_threads');
       const fs = require('node:fs');
       let stop = false, swaps = 0;
       parentPort.on('message', () => { stop = true; });
       const loop = () => {
         for (let i = 0; i < 500; i++) {
           try { fs.renameSync(w.app, w.parked); } catch {}
           try { fs.symlinkSync(w.outside, w.app); } catch {}
           try { fs.unlinkSync(w.app); } catch {}
           try { fs.renameSync(w.parked, w.app); } catch {}
           swaps++;
         }
         if (stop) parentPort.postMessage(swaps); else setImmediate(loop);
       };
       loop();`,
      { eval: true, workerData: { app: join(root, 'app'), parked: join(root, '.parked'), outside } },
    );
    const swaps = new Promise<number>((resolve) => swapper.once('message', resolve));
    let written = 0;
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      try {
        if (await writeFileAtomic(join(root, 'app/creds'), `v${i}`, { roots: [root], createDirs: true })) written++;
      } catch (err) {
        if (!(err instanceof WriteError)) throw err;
        refused++;
      }
    }
    swapper.postMessage('stop');
    expect(await swaps).toBeGreaterThan(0);
    await swapper.terminate();
    expect(readdirSync(outside)).toEqual([]);
    expect(written + refused).toBe(2000);
    expect(written).toBeGreaterThan(0);
  }, 30_000);

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
