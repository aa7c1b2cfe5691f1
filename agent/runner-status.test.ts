// The sidecar's log names the templates that fail and says when every one is rendered, once per
// change of that state (not a blanket "every template rendered" while some are failing).
import { describe, expect, it } from '@jest/globals';
import { Runner } from './runner.ts';
import { VaultClient } from './vault/client.ts';
import { InMemoryVault } from '../test/fakes/in-memory-vault.ts';
import { ManualClock } from '../test/fakes/manual-clock.ts';
import { MemoryOutput } from '../test/fakes/memory-output.ts';
import { placeholderEngine } from '../test/fakes/placeholder-engine.ts';
import { agentSettings, templateSettings } from '../test/fakes/agent-settings.ts';
import { createLogSink } from '../test/helpers/log-sink.ts';
import { templateStatus } from './render/template-status.ts';

const SENTINEL = 'S3NT1NEL-status';
const fixedRandom = (): number => 0.5;

describe('template status', () => {
  it('lists rendered and failed destinations in config order, failures by code, never by message', () => {
    const err = Object.assign(new Error(`no secret at ${SENTINEL}`), { code: 'AGT_FETCH' });
    const status = templateStatus(
      ['/v/a', '/v/b', '/v/c'],
      [
        { destination: '/v/b', error: err },
        { destination: '/v/c', error: new TypeError(SENTINEL) },
      ],
    );
    expect(status).toEqual({
      rendered: ['/v/a'],
      failed: [
        { destination: '/v/b', error: 'AGT_FETCH' },
        { destination: '/v/c', error: 'TypeError' },
      ],
    });
    expect(JSON.stringify(status)).not.toContain(SENTINEL);
  });
});

describe('Runner status log', () => {
  it('names the failing templates while a secret is missing, then reports every template rendered, once each', async () => {
    const clock = new ManualClock();
    const vault = new InMemoryVault(clock, {});
    const output = new MemoryOutput();
    const sink = createLogSink('trace');
    vault.kv2.set('app', { password: SENTINEL });
    const runner = new Runner({
      settings: agentSettings({
        templates: [
          templateSettings(0, '/vault/secrets/kv', 'pw=[[secret/app#Data.data.password]]\n'),
          templateSettings(1, '/vault/secrets/other', 'x=[[secret/other#Data.data.x]]\n'),
        ],
      }),
      client: new VaultClient({ transport: vault, clock, random: fixedRandom }),
      clock,
      random: fixedRandom,
      log: sink.log,
      readFile: (p) => {
        const stored = output.read(p) ?? (p === '/sa/token' ? 'jwt-fixture\n' : undefined);
        if (stored === undefined) throw new Error(`ENOENT ${p}`);
        return stored;
      },
      output,
      markReady: () => Promise.resolve(),
      engines: () => Promise.resolve(placeholderEngine),
      env: () => undefined,
    });
    const run = runner.run();
    await clock.advance(5_000);
    await clock.advance(5_000);
    const statuses = () => sink.entries().filter((e) => e['event'] === 'templates-status');
    expect(statuses()).toHaveLength(1);
    expect(statuses()[0]).toMatchObject({
      level: 'warn',
      ok: ['/vault/secrets/kv'],
      failing: [{ destination: '/vault/secrets/other' }],
    });
    expect(sink.entries().some((e) => e['event'] === 'sidecar-ready')).toBe(false);
    vault.kv2.set('other', { x: '1' });
    await clock.advance(60_000);
    expect(output.read('/vault/secrets/other')).toBe('x=1\n');
    expect(statuses()).toHaveLength(2);
    expect(statuses()[1]).toMatchObject({
      level: 'info',
      ok: ['/vault/secrets/kv', '/vault/secrets/other'],
      failing: [],
      msg: 'every template rendered',
    });
    runner.stop();
    expect(await run).toEqual({ code: 0 });
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
  });
});
