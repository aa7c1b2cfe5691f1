import { describe, expect, it } from '@jest/globals';
import { jwtMethod } from './jwt.ts';
import { tokenFileMethod } from './token-file.ts';
import type { JwtAuthSettings } from '../../config/settings.ts';
import { MemoryCredentialFiles } from '../../../test/fakes/memory-credential-files.ts';
import { createLogSink } from '../../../test/helpers/log-sink.ts';

const COMMON = { minBackoffMs: 1000, maxBackoffMs: 300_000, exitOnErr: false };
const SETTINGS: JwtAuthSettings = {
  type: 'jwt',
  mountPath: 'auth/jwt',
  role: 'ci',
  path: '/var/run/jwt',
  removeJwtAfterReading: true,
  ...COMMON,
};

describe('jwt login method', () => {
  it('reads the file on every login, deletes it after reading and keeps the last JWT for logins after that', async () => {
    const files = new MemoryCredentialFiles({ '/var/run/jwt': 'jwt-1\n' });
    const method = jwtMethod(SETTINGS, files, createLogSink('info').log);
    expect(await method.login()).toEqual({ kind: 'login', path: 'auth/jwt/login', body: { jwt: 'jwt-1', role: 'ci' } });
    expect(files.removed).toEqual(['/var/run/jwt']);
    expect(await method.login()).toMatchObject({ body: { jwt: 'jwt-1' } });
    files.files.set('/var/run/jwt', 'jwt-2');
    expect(await method.login()).toMatchObject({ body: { jwt: 'jwt-2' } });
    expect(files.reads).toEqual(['/var/run/jwt', '/var/run/jwt', '/var/run/jwt']);
  });

  it('leaves the file when remove_jwt_after_reading is false, and fails with the path when no JWT was ever read', async () => {
    const files = new MemoryCredentialFiles({ '/var/run/jwt': 'jwt-1' });
    await jwtMethod({ ...SETTINGS, removeJwtAfterReading: false }, files, createLogSink('info').log).login();
    expect(files.removed).toEqual([]);
    await expect(
      jwtMethod(SETTINGS, new MemoryCredentialFiles({ '/var/run/jwt': '  \n' }), createLogSink('info').log).login(),
    ).rejects.toThrow('no JWT: /var/run/jwt is missing or empty and no JWT was read from it before');
  });
});

describe('token_file login method', () => {
  it('hands over the token for lookup-self, never deleting the file; a replaced token is picked up', async () => {
    const files = new MemoryCredentialFiles({ '/home/vault/token': 'hvs.one\n' });
    const method = tokenFileMethod(
      { type: 'token_file', mountPath: 'auth/token_file', tokenFilePath: '/home/vault/token', ...COMMON },
      files,
      createLogSink('info').log,
    );
    expect(await method.login()).toEqual({ kind: 'token', token: 'hvs.one' });
    files.files.delete('/home/vault/token');
    expect(await method.login()).toEqual({ kind: 'token', token: 'hvs.one' });
    files.files.set('/home/vault/token', 'hvs.two');
    expect(await method.login()).toEqual({ kind: 'token', token: 'hvs.two' });
    expect(files.removed).toEqual([]);
  });
});
