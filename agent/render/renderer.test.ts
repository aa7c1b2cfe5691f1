import { describe, expect, it } from '@jest/globals';
import { Renderer, type SecretSource, type TemplateJob } from './renderer.ts';
import { secretRequestKey, type SecretRequest, type VaultResponse } from './engine.ts';
import { placeholderEngine } from '../../test/fakes/placeholder-engine.ts';
import { MemoryOutput } from '../../test/fakes/memory-output.ts';
import { templateSettings } from '../../test/fakes/agent-settings.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { TemplateSettings } from '../config/settings.ts';

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

function renderer(secrets: SecretSource, output: MemoryOutput, notifyApps: boolean) {
  const logs = createLogSink();
  return { logs, r: new Renderer({ secrets, output, log: logs.log, env: () => undefined, readFile: () => '', now: () => new Date(0), notifyApps }) };
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
