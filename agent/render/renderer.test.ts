import { describe, expect, it } from '@jest/globals';
import { MAX_RENDERED_BYTES, Renderer, RenderTooLargeError, type SecretSource, type TemplateJob } from './renderer.ts';
import { secretRequestKey, type SecretRequest, type VaultResponse } from './engine.ts';
import { placeholderEngine } from '../../test/fakes/placeholder-engine.ts';
import { MemoryOutput } from '../../test/fakes/memory-output.ts';
import { templateSettings } from '../../test/fakes/agent-settings.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { TemplateSettings } from '../config/settings.ts';
import type { TemplateFiles } from './template-files.ts';
import { goTemplateEngine } from './go-template/engine.ts';
import { nodeTemplateFiles } from './node-template-files.ts';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SENTINEL = 'rendered-SENTINEL';

/** Secrets from a map; unknown paths fail like a fetch that ran out of retries. */
class MapSecrets implements SecretSource {
  readonly fetched = new Map<string, VaultResponse>();
  readonly ensured: string[] = [];
  readonly #data: Record<string, unknown>;
  constructor(data: Record<string, unknown>) {
    this.#data = data;
  }
  lookup(r: SecretRequest): VaultResponse | undefined {
    return this.fetched.get(r.key);
  }
  ensure(requests: readonly SecretRequest[]): Promise<void> {
    for (const r of requests) {
      this.ensured.push(r.path);
      const data = this.#data[r.path];
      if (data === undefined) return Promise.reject(new Error(`no secret exists at ${r.path}`));
      this.fetched.set(r.key, { lease_id: '', lease_duration: 0, renewable: false, data });
    }
    return Promise.resolve();
  }
}

function job(settings: TemplateSettings): TemplateJob {
  return { settings, compiled: placeholderEngine.compile(settings.contents ?? '', { name: settings.destination }), dependencies: new Set(), rendered: false };
}

function renderer(secrets: SecretSource, output: MemoryOutput, notifyApps: boolean, maxOutputBytes?: number) {
  const logs = createLogSink();
  return { logs, r: new Renderer({ secrets, output, log: logs.log, env: () => undefined, readFile: () => '', now: () => new Date(0), notifyApps, ...(maxOutputBytes !== undefined ? { maxOutputBytes } : {}) }) };
}

describe('Renderer', () => {
  it('writes complete output with perms, runs the command and the reload hook only on change', async () => {
    const secrets = new MapSecrets({ 'kv/a': { x: SENTINEL } });
    const output = new MemoryOutput();
    const { r, logs } = renderer(secrets, output, true);
    const j = job(templateSettings(0, '/s/a', 'x=[[kv/a#Data.x]]', { perms: 0o600, command: ['reload'], reloadUrl: 'http://127.0.0.1:9/reload' }));
    expect(await r.renderAll([j])).toEqual([]);
    expect(await r.renderAll([j])).toEqual([]);
    expect(output.files.get('/s/a')).toEqual({ content: `x=${SENTINEL}`, mode: 0o600 });
    expect(output.commands).toEqual(['reload']);
    expect(output.reloads).toEqual(['http://127.0.0.1:9/reload']);
    expect([...j.dependencies]).toEqual([secretRequestKey('secret', 'kv/a', {})]);
    expect(logs.lines.join('')).not.toContain(SENTINEL);
  });

  it('isolates a failing template: the others are still written', async () => {
    const secrets = new MapSecrets({ 'kv/a': { x: '1' } });
    const output = new MemoryOutput();
    const { r } = renderer(secrets, output, false);
    const failures = await r.renderAll([job(templateSettings(0, '/s/bad', '[[kv/none#Data.x]]')), job(templateSettings(1, '/s/good', '[[kv/a#Data.x]]', { reloadUrl: 'http://127.0.0.1:9/' }))]);
    expect(failures.map((f) => [f.destination, f.error.message])).toEqual([['/s/bad', 'no secret exists at kv/none']]);
    expect(output.read('/s/good')).toBe('1');
    expect(output.files.has('/s/bad')).toBe(false);
    // Init mode: the app is not running yet, so no reload call.
    expect(output.reloads).toEqual([]);
  });
});

/** TemplateFiles over a map of existing files (no symlinks); the agent runs as uid 100 "vault". */
function mapFiles(files: Record<string, string>): TemplateFiles {
  const dirs = new Set(Object.keys(files).flatMap((p) => p.split('/').slice(1, -1).map((_s, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)));
  return {
    realpath: (p) => {
      if (p in files || dirs.has(p) || p === '/') return p;
      throw new Error('ENOENT');
    },
    readRegular: (p) => {
      const content = files[p];
      if (content === undefined) throw new Error('ENOENT');
      return content;
    },
    ownUser: () => ({ uid: 100, gid: 1000, name: 'vault' }),
  };
}

/** Refuses destinations outside /s, as the agent's output port does outside the destination roots. */
class RootedOutput extends MemoryOutput {
  override resolveDestination(destination: string): string {
    if (!destination.startsWith('/s/')) throw new Error(`${destination}: must be under "/s"`);
    return destination;
  }
}

function goJob(settings: TemplateSettings): TemplateJob {
  return { settings, compiled: goTemplateEngine.compile(settings.contents ?? '', { name: settings.destination }), dependencies: new Set(), rendered: false };
}

describe('Renderer: writeToFile, file and sandbox_path', () => {
  const withFiles = (output: MemoryOutput, files: TemplateFiles) =>
    new Renderer({ secrets: new MapSecrets({ 'kv/a': { x: SENTINEL } }), output, log: createLogSink().log, env: () => undefined, files, now: () => new Date(0), notifyApps: false });

  it('writes writeToFile output with its mode, appends with a newline, then the destination', async () => {
    const output = new RootedOutput();
    const r = withFiles(output, mapFiles({ '/s/log': 'old\n' }));
    const t = '{{ with secret "kv/a" }}{{ .Data.x | writeToFile "/s/new/cert.pem" "vault" "" "0600" }}{{ "line" | writeToFile "/s/log" "" "" "0640" "append,newline" }}done{{ end }}';
    expect(await r.renderAll([goJob(templateSettings(0, '/s/out', t))])).toEqual([]);
    expect(output.files.get('/s/new/cert.pem')).toEqual({ content: SENTINEL, mode: 0o600 });
    expect(output.files.get('/s/log')).toEqual({ content: 'old\nline\n', mode: 0o640 });
    expect(output.read('/s/out')).toBe('done');
    expect(output.writes).toEqual(['/s/new/cert.pem', '/s/log', '/s/out']);
  });

  it('fails the template when writeToFile leaves the destination roots or sandbox_path, writing nothing', async () => {
    for (const [path, extra] of [['/etc/passwd', {}], ['/s/other/f', { sandboxPath: '/s/box' }]] as const) {
      const output = new RootedOutput();
      const r = withFiles(output, mapFiles({ '/s/box/in': 'x' }));
      const failures = await r.renderAll([goJob(templateSettings(0, '/s/box/out', `{{ "x" | writeToFile "${path}" "" "" "0644" }}`, extra))]);
      expect(failures.map((f) => f.error.message)).toEqual([expect.stringContaining(path)]);
      expect(output.writes).toEqual([]);
    }
  });

  it('does not append through a symlink planted at the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlet-append-'));
    try {
      writeFileSync(join(dir, 'private'), 'private-SENTINEL');
      symlinkSync(join(dir, 'private'), join(dir, 'log'));
      const output = new MemoryOutput();
      const r = withFiles(output, nodeTemplateFiles);
      const failures = await r.renderAll([goJob(templateSettings(0, join(dir, 'out'), `{{ "x" | writeToFile "${join(dir, 'log')}" "" "" "0644" "append" }}`))]);
      expect(failures.map((f) => f.error.message)).toEqual([expect.stringContaining('cannot append')]);
      expect(output.writes).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an owner other than the agent\'s user', async () => {
    const output = new RootedOutput();
    const failures = await withFiles(output, mapFiles({})).renderAll([goJob(templateSettings(0, '/s/out', '{{ "x" | writeToFile "/s/f" "root" "" "0644" }}'))]);
    expect(failures[0]?.error.message).toContain('its own user');
    expect(output.writes).toEqual([]);
  });

  it('confines file to the template\'s sandbox_path and applies its function_denylist', async () => {
    const files = mapFiles({ '/box/in.txt': 'inside', '/etc/hostname': 'host' });
    const output = new RootedOutput();
    const r = withFiles(output, files);
    const jobs = [
      goJob(templateSettings(0, '/s/a', '{{ file "/box/in.txt" }}', { sandboxPath: '/box' })),
      goJob(templateSettings(1, '/s/b', '{{ file "/etc/hostname" }}', { sandboxPath: '/box' })),
      goJob(templateSettings(2, '/s/c', '{{ file "/etc/hostname" }}')),
      goJob(templateSettings(3, '/s/d', '{{ env "HOME" }}', { functionDenylist: ['env'] })),
    ];
    const failures = await r.renderAll(jobs);
    expect(failures.map((f) => [f.destination, f.error.message])).toEqual([
      ['/s/b', 'template: /s/b:1:3: executing "/s/b" at <file "/etc/hostname">: error calling file: file: "/etc/hostname" is outside of sandbox_path'],
      ['/s/d', 'template: /s/d:1:3: executing "/s/d" at <env "HOME">: error calling env: function is disabled'],
    ]);
    expect(output.read('/s/a')).toBe('inside');
    expect(output.read('/s/c')).toBe('host');
  });

  it('refuses to write a render larger than one file may hold, keeping the last good file, naming no content', async () => {
    const output = new MemoryOutput();
    const settings = templateSettings(0, '/s/a', 'x=[[kv/a#Data.x]]');
    const small = renderer(new MapSecrets({ 'kv/a': { x: 'short' } }), output, true, 16);
    expect(await small.r.renderAll([job(settings)])).toEqual([]);
    const large = renderer(new MapSecrets({ 'kv/a': { x: `${SENTINEL}-${'y'.repeat(64)}` } }), output, true, 16);
    const failures = await large.r.renderAll([job(settings)]);
    expect(failures.map((f) => [f.error instanceof RenderTooLargeError, (f.error as RenderTooLargeError).code])).toEqual([[true, 'AGT_RENDER_TOO_LARGE']]);
    expect(failures[0]?.error.message).not.toContain(SENTINEL);
    expect(large.logs.lines.join('\n')).not.toContain(SENTINEL);
    expect(output.files.get('/s/a')?.content).toBe('x=short');
  });

  it(`writes a render of up to ${MAX_RENDERED_BYTES} bytes by default, and not one more`, async () => {
    const output = new MemoryOutput();
    const settings = templateSettings(0, '/s/a', 'x=[[kv/a#Data.x]]');
    const fits = 'y'.repeat(MAX_RENDERED_BYTES - 2);
    expect(await renderer(new MapSecrets({ 'kv/a': { x: fits } }), output, true).r.renderAll([job(settings)])).toEqual([]);
    expect(output.files.get('/s/a')?.content.length).toBe(MAX_RENDERED_BYTES);
    const over = renderer(new MapSecrets({ 'kv/a': { x: `${fits}z` } }), output, true);
    expect((await over.r.renderAll([job(settings)])).map((f) => (f.error as RenderTooLargeError).code)).toEqual(['AGT_RENDER_TOO_LARGE']);
    expect(output.files.get('/s/a')?.content).toBe(`x=${fits}`);
  });
});
