import { describe, expect, it } from '@jest/globals';
import { appRoleMethod } from './approle.ts';
import type { AppRoleAuthSettings } from '../../config/settings.ts';
import { VaultClient, type VaultHttpRequest, type VaultHttpResponse } from '../../vault/client.ts';
import { RoutedTransport, envelope } from '../../../test/fakes/routed-transport.ts';
import { MemoryCredentialFiles } from '../../../test/fakes/memory-credential-files.ts';
import { ManualClock } from '../../../test/fakes/manual-clock.ts';
import { createLogSink } from '../../../test/helpers/log-sink.ts';

const SETTINGS: AppRoleAuthSettings = {
  type: 'approle',
  mountPath: 'auth/approle',
  roleIdFilePath: '/vault/custom/role-id',
  secretIdFilePath: '/vault/custom/secret-id',
  removeSecretIdFileAfterReading: true,
  minBackoffMs: 1000,
  maxBackoffMs: 300_000,
  exitOnErr: false,
};

function setup(
  settings: Partial<AppRoleAuthSettings>,
  files: Record<string, string>,
  route: (req: VaultHttpRequest) => VaultHttpResponse = () => envelope({}),
) {
  const transport = new RoutedTransport(route);
  const f = new MemoryCredentialFiles(files);
  const logs = createLogSink('info');
  const method = appRoleMethod(
    { ...SETTINGS, ...settings },
    { files: f, client: new VaultClient({ transport, clock: new ManualClock(), random: () => 0.5 }), log: logs.log },
  );
  return { method, files: f, transport, logs };
}

describe('approle login method', () => {
  it('sends role_id and secret_id to <mount>/login, removes the secret ID file and keeps the ID for later logins', async () => {
    const t = setup({}, { '/vault/custom/role-id': 'role-1\n', '/vault/custom/secret-id': ' secret-SENTINEL\n' });
    expect(await t.method.login()).toEqual({
      kind: 'login',
      path: 'auth/approle/login',
      body: { role_id: 'role-1', secret_id: 'secret-SENTINEL' },
    });
    expect(t.files.removed).toEqual(['/vault/custom/secret-id']);
    t.files.files.set('/vault/custom/role-id', 'role-2');
    expect(await t.method.login()).toEqual({
      kind: 'login',
      path: 'auth/approle/login',
      body: { role_id: 'role-2', secret_id: 'secret-SENTINEL' },
    });
  });

  it('keeps the secret ID file when remove_secret_id_file_after_reading is false, and picks up a new secret ID', async () => {
    const t = setup(
      { removeSecretIdFileAfterReading: false },
      { '/vault/custom/role-id': 'r', '/vault/custom/secret-id': 's1' },
    );
    await t.method.login();
    t.files.files.set('/vault/custom/secret-id', 's2');
    expect((await t.method.login()).kind === 'login' && t.files.removed).toEqual([]);
    expect(await t.method.login()).toMatchObject({ body: { secret_id: 's2' } });
  });

  it('names the missing file, and logs (without the ID) a secret ID file it could not remove', async () => {
    await expect(setup({}, {}).method.login()).rejects.toThrow(
      'no role ID: /vault/custom/role-id is missing or empty and no role ID was read from it before',
    );
    await expect(setup({}, { '/vault/custom/role-id': 'r' }).method.login()).rejects.toThrow(
      'no secret ID: /vault/custom/secret-id is missing or empty',
    );
    const t = setup({}, { '/vault/custom/role-id': 'r', '/vault/custom/secret-id': 'secret-SENTINEL' });
    t.files.undeletable.add('/vault/custom/secret-id');
    expect(await t.method.login()).toMatchObject({ body: { secret_id: 'secret-SENTINEL' } });
    expect(t.logs.lines.join('')).toContain('could not remove a credential file after reading it');
    expect(t.logs.lines.join('')).not.toContain('SENTINEL');
  });

  it('sends no secret ID file at all when none is configured (bind_secret_id=false roles)', async () => {
    const { secretIdFilePath: _unused, ...noSecret } = SETTINGS;
    const f = new MemoryCredentialFiles({ '/vault/custom/role-id': 'r' });
    const method = appRoleMethod(noSecret, {
      files: f,
      client: new VaultClient({
        transport: new RoutedTransport(() => envelope({})),
        clock: new ManualClock(),
        random: () => 0.5,
      }),
      log: createLogSink('info').log,
    });
    expect(await method.login()).toMatchObject({ body: { role_id: 'r', secret_id: '' } });
  });

  it('unwraps a response-wrapped secret ID after checking its creation path', async () => {
    const route = (creationPath: string) => (req: { path: string }) =>
      req.path === 'sys/wrapping/lookup'
        ? envelope({ data: { creation_path: creationPath, creation_ttl: 300 } })
        : envelope({ data: { secret_id: 'unwrapped-secret', secret_id_accessor: 'a' } });
    const files = { '/vault/custom/role-id': 'r', '/vault/custom/secret-id': 'hvs.wrapping-token' };
    const ok = setup(
      { secretIdResponseWrappingPath: 'auth/approle/role/app/secret-id' },
      files,
      route('auth/approle/role/app/secret-id'),
    );
    expect(await ok.method.login()).toMatchObject({ body: { secret_id: 'unwrapped-secret' } });
    expect(ok.transport.sent.map((r) => [r.method, r.path, r.token])).toEqual([
      ['PUT', 'sys/wrapping/lookup', undefined],
      ['PUT', 'sys/wrapping/unwrap', 'hvs.wrapping-token'],
    ]);
    // The lookup carries the wrapping token in the body, unauthenticated: it does not spend its single use.
    expect(ok.transport.sent[0]?.body).toEqual({ token: 'hvs.wrapping-token' });
    const bad = setup(
      { secretIdResponseWrappingPath: 'auth/approle/role/app/secret-id' },
      files,
      route('secret/data/other'),
    );
    await expect(bad.method.login()).rejects.toThrow(
      'the wrapped secret ID was created at "secret/data/other", not at secret_id_response_wrapping_path "auth/approle/role/app/secret-id"',
    );
    expect(bad.transport.sent.map((r) => r.path)).toEqual(['sys/wrapping/lookup']);
    expect(bad.files.removed).toEqual([]);
  });
});
