import { describe, expect, it } from '@jest/globals';
import { createLoginMethod } from './login-methods.ts';
import type { VaultClient } from '../vault/client.ts';
import { MemoryCredentialFiles } from '../../test/fakes/memory-credential-files.ts';
import { ManualClock } from '../../test/fakes/manual-clock.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';

const COMMON = { minBackoffMs: 1000, maxBackoffMs: 300_000, exitOnErr: false };

describe('createLoginMethod', () => {
  it('loads a method other than kubernetes on its first login; its full label is known from then on', async () => {
    const files = new MemoryCredentialFiles({ '/var/run/jwt': 'h.c.s' });
    const deps = {
      files,
      client: {} as VaultClient,
      cloud: { send: () => Promise.reject(new Error('unused')) },
      clock: new ManualClock(),
      log: createLogSink('info').log,
    };
    const method = createLoginMethod(
      { type: 'jwt', mountPath: 'auth/jwt', role: 'ci', path: '/var/run/jwt', removeJwtAfterReading: false, ...COMMON },
      deps,
    );
    expect(method.label).toBe('auth/jwt');
    expect(files.reads).toEqual([]);
    expect(await method.login()).toEqual({ kind: 'login', path: 'auth/jwt/login', body: { jwt: 'h.c.s', role: 'ci' } });
    expect(method.label).toBe('auth/jwt as role "ci"');
    // One instance behind it: the second login reuses it (and its remembered JWT).
    files.files.delete('/var/run/jwt');
    expect(await method.login()).toMatchObject({ body: { jwt: 'h.c.s' } });
  });
});
