import { describe, expect, it } from '@jest/globals';
import { resolveAutoAuth } from './auth.ts';
import { Problems } from './problems.ts';
import { AGENT_AUTH_METHODS } from '../../shared/agent-capabilities.ts';
import { createLoginMethod } from '../auth/login-methods.ts';
import { SUPPORTED_AUTH_METHODS, type AuthMethodType } from './settings.ts';
import type { VaultClient } from '../vault/client.ts';
import { ManualClock } from '../../test/fakes/manual-clock.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';

function resolve(method: Record<string, unknown>, env: Record<string, string> = {}) {
  const problems = new Problems();
  const { auth } = resolveAutoAuth(
    { method, sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }] },
    { envNamespace: undefined, env: (n) => env[n] },
    problems,
  );
  return { auth, problems: problems.list };
}

const COMMON = { minBackoffMs: 1000, maxBackoffMs: 300_000, exitOnErr: false };

describe('auto_auth methods', () => {
  it('approle: Vault Agent keys and defaults (secret ID file removed after reading)', () => {
    expect(
      resolve({
        type: 'approle',
        config: { role_id_file_path: '/etc/vault/role-id', secret_id_file_path: '/etc/vault/secret-id' },
      }),
    ).toEqual({
      auth: {
        type: 'approle',
        mountPath: 'auth/approle',
        roleIdFilePath: '/etc/vault/role-id',
        secretIdFilePath: '/etc/vault/secret-id',
        removeSecretIdFileAfterReading: true,
        ...COMMON,
      },
      problems: [],
    });
    const wrapped = resolve({
      type: 'approle',
      mount_path: '/auth/ar/',
      config: {
        role_id_file_path: '/r',
        secret_id_file_path: '/s',
        remove_secret_id_file_after_reading: 'false',
        secret_id_response_wrapping_path: '/auth/ar/role/app/secret-id/',
      },
    });
    expect(wrapped.auth).toMatchObject({
      mountPath: 'auth/ar',
      removeSecretIdFileAfterReading: false,
      secretIdResponseWrappingPath: 'auth/ar/role/app/secret-id',
    });
  });

  it('jwt: path and role required, remove_jwt_after_reading defaults to true', () => {
    expect(resolve({ type: 'jwt', config: { path: '/var/run/jwt', role: 'ci' } }).auth).toEqual({
      type: 'jwt',
      mountPath: 'auth/jwt',
      path: '/var/run/jwt',
      role: 'ci',
      removeJwtAfterReading: true,
      ...COMMON,
    });
    expect(resolve({ type: 'jwt', config: { remove_jwt_after_reading: 'maybe' } }).problems).toEqual([
      { field: 'auto_auth.method.config.role', message: 'is required for the jwt method' },
      { field: 'auto_auth.method.config.path', message: 'is required for the jwt method' },
      { field: 'auto_auth.method.config.remove_jwt_after_reading', message: 'must be true or false' },
    ]);
  });

  it('token_file and cert', () => {
    expect(resolve({ type: 'token_file', config: { token_file_path: '/home/vault/token' } }).auth).toEqual({
      type: 'token_file',
      mountPath: 'auth/token_file',
      tokenFilePath: '/home/vault/token',
      ...COMMON,
    });
    expect(
      resolve({
        type: 'cert',
        config: { name: 'web', client_cert: '/tls/c.pem', client_key: '/tls/k.pem', ca_cert: '/tls/ca.pem' },
      }).auth,
    ).toEqual({
      type: 'cert',
      mountPath: 'auth/cert',
      name: 'web',
      clientCertPath: '/tls/c.pem',
      clientKeyPath: '/tls/k.pem',
      caCertPath: '/tls/ca.pem',
      ...COMMON,
    });
    expect(resolve({ type: 'cert', config: { client_cert: '/tls/c.pem' } }).problems).toEqual([
      {
        field: 'auto_auth.method.config.client_key',
        message: 'is required when the other of client_cert and client_key is set',
      },
    ]);
  });

  it('aws iam with IRSA: role ARN and token file from the environment, STS endpoint overridable', () => {
    const env = {
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/app',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
      AWS_REGION: 'eu-west-1',
    };
    expect(
      resolve({ type: 'aws', config: { type: 'iam', role: 'app', header_value: 'vault.example.com' } }, env).auth,
    ).toEqual({
      type: 'aws',
      mountPath: 'auth/aws',
      role: 'app',
      region: 'eu-west-1',
      headerValue: 'vault.example.com',
      loginUrl: 'https://sts.amazonaws.com/',
      stsEndpoint: 'https://sts.amazonaws.com',
      credentials: {
        kind: 'web-identity',
        roleArn: env.AWS_ROLE_ARN,
        tokenFilePath: env.AWS_WEB_IDENTITY_TOKEN_FILE,
        sessionName: 'vaultlet-agent',
      },
      ...COMMON,
    });
    const local = resolve(
      { type: 'aws', config: { role: 'app', region: 'us-east-1' } },
      { ...env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9000/' },
    );
    expect(local.auth).toMatchObject({ region: 'us-east-1', stsEndpoint: 'http://127.0.0.1:9000' });
  });

  it("aws: signs for the STS URL Vault Agent's SDK uses: global in the legacy regions, regional elsewhere or when asked", () => {
    const keys = { role: 'app', access_key: 'AKID', secret_key: 's' };
    const urlFor = (region: string, env: Record<string, string> = {}): unknown => {
      const { auth } = resolve({ type: 'aws', config: { ...keys, region } }, env);
      return auth?.type === 'aws' ? [auth.loginUrl, auth.stsEndpoint] : undefined;
    };
    expect(urlFor('us-east-1')).toEqual(['https://sts.amazonaws.com/', 'https://sts.amazonaws.com']);
    expect(urlFor('eu-west-1')).toEqual(['https://sts.amazonaws.com/', 'https://sts.amazonaws.com']);
    expect(urlFor('ap-east-1')).toEqual([
      'https://sts.ap-east-1.amazonaws.com/',
      'https://sts.ap-east-1.amazonaws.com',
    ]);
    expect(urlFor('eu-west-1', { AWS_STS_REGIONAL_ENDPOINTS: 'regional' })).toEqual([
      'https://sts.eu-west-1.amazonaws.com/',
      'https://sts.eu-west-1.amazonaws.com',
    ]);
  });

  it('aws: static keys from the config win over the environment; no credentials at all is a problem', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-session' };
    expect(
      resolve({ type: 'aws', config: { role: 'app', access_key: 'AKIACFG', secret_key: 'cfg-secret' } }, env).auth,
    ).toMatchObject({ credentials: { kind: 'static', accessKeyId: 'AKIACFG', secretAccessKey: 'cfg-secret' } });
    expect(resolve({ type: 'aws', config: { role: 'app' } }, env).auth).toMatchObject({
      credentials: {
        kind: 'static',
        accessKeyId: 'AKIAENV',
        secretAccessKey: 'env-secret',
        sessionToken: 'env-session',
      },
    });
    expect(resolve({ type: 'aws', config: { role: 'app', type: 'ec2' } }).problems).toEqual([
      { field: 'auto_auth.method.config.type', message: 'only "iam" is supported (the ec2 flavour is not)' },
      {
        field: 'auto_auth.method.config',
        message:
          'no AWS credentials: set access_key and secret_key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE',
      },
    ]);
  });

  it('gcp: type gce and role required, service account default, metadata host from GCE_METADATA_HOST', () => {
    expect(
      resolve({ type: 'gcp', config: { type: 'gce', role: 'web' } }, { GCE_METADATA_HOST: '127.0.0.1:8080' }).auth,
    ).toEqual({
      type: 'gcp',
      mountPath: 'auth/gcp',
      role: 'web',
      serviceAccount: 'default',
      metadataHost: '127.0.0.1:8080',
      ...COMMON,
    });
    expect(resolve({ type: 'gcp', config: { role: 'web' } }).problems).toEqual([
      { field: 'auto_auth.method.config.type', message: 'is required for the gcp method ("gce")' },
    ]);
    expect(resolve({ type: 'gcp', config: { type: 'iam', role: 'web' } }).problems).toEqual([
      { field: 'auto_auth.method.config.type', message: 'only "gce" is supported (the iam flavour is not)' },
    ]);
    expect(
      resolve({ type: 'gcp', config: { type: 'gce', role: 'web' } }, { GCE_METADATA_HOST: 'http://evil/#' }).problems,
    ).toEqual([{ field: 'GCE_METADATA_HOST', message: 'must be a host or host:port such as 169.254.169.254' }]);
  });

  it('azure: role and resource required, object_id or client_id, IMDS from AZURE_POD_IDENTITY_AUTHORITY_HOST', () => {
    expect(
      resolve(
        { type: 'azure', config: { role: 'web', resource: 'https://management.azure.com/', client_id: 'c-1' } },
        { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9/' },
      ).auth,
    ).toEqual({
      type: 'azure',
      mountPath: 'auth/azure',
      role: 'web',
      resource: 'https://management.azure.com/',
      clientId: 'c-1',
      imdsUrl: 'http://127.0.0.1:9',
      ...COMMON,
    });
    expect(
      resolve({ type: 'azure', config: { role: 'web', resource: 'r', client_id: 'c', object_id: 'o' } }).problems,
    ).toEqual([{ field: 'auto_auth.method.config.client_id', message: 'must not be set together with object_id' }]);
    expect(resolve({ type: 'azure', config: { role: 'web' } }).problems).toEqual([
      { field: 'auto_auth.method.config.resource', message: 'is required for the azure method' },
    ]);
  });

  it('accepts the polling periods of jwt and aws (no effect: credentials are read at each login), checking them', () => {
    expect(resolve({ type: 'jwt', config: { path: '/j', role: 'ci', jwt_read_period: '1s' } }).problems).toEqual([]);
    expect(resolve({ type: 'jwt', config: { path: '/j', role: 'ci', jwt_read_period: 'soon' } }).problems).toEqual([
      { field: 'auto_auth.method.config.jwt_read_period', message: 'is not a duration (examples: 30s, 5m, 1h30m)' },
    ]);
    expect(
      resolve({ type: 'aws', config: { role: 'r', access_key: 'a', secret_key: 's', credential_poll_interval: 60 } })
        .problems,
    ).toEqual([]);
  });

  it('reports keys of another method as unknown, never echoing values', () => {
    const { problems } = resolve({
      type: 'approle',
      config: { role_id_file_path: 'relative', secret_id: 'SENTINEL-secret' },
    });
    expect(problems).toEqual([
      { field: 'auto_auth.method.config.secret_id', message: 'unknown key' },
      { field: 'auto_auth.method.config.role_id_file_path', message: 'must be an absolute path' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('SENTINEL');
  });

  it('accepts the token_path and role keys the injector writes into every method, as Vault Agent ignores them', () => {
    const injected = resolve({
      type: 'approle',
      mount_path: 'auth/approle',
      config: {
        role_id_file_path: '/vault/custom/role-id',
        secret_id_file_path: '/vault/custom/secret-id',
        role: 'app',
        token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      },
    });
    expect(injected.problems).toEqual([]);
    expect(injected.auth).toMatchObject({ type: 'approle', roleIdFilePath: '/vault/custom/role-id' });
  });

  it('every auth method the webhook lets through is accepted by the config and has a login implementation', async () => {
    const samples: Readonly<Record<AuthMethodType, Record<string, unknown>>> = {
      kubernetes: { role: 'app' },
      approle: { role_id_file_path: '/r' },
      jwt: { role: 'app', path: '/j' },
      token_file: { token_file_path: '/t' },
      cert: { name: 'web' },
      aws: { role: 'app', access_key: 'AKIDEXAMPLE', secret_key: 'example' },
      gcp: { type: 'gce', role: 'app' },
      azure: { role: 'app', resource: 'https://management.azure.com/' },
    };
    const files = { read: () => 'credential', remove: () => undefined };
    for (const name of AGENT_AUTH_METHODS) {
      expect(SUPPORTED_AUTH_METHODS).toContain(name);
      const { auth, problems } = resolve({ type: name, config: samples[name as AuthMethodType] });
      expect(problems).toEqual([]);
      if (auth === undefined) throw new Error(`${name}: not accepted`);
      const method = createLoginMethod(auth, {
        files,
        client: {} as VaultClient,
        cloud: {
          // The metadata servers' answers: a bare JWT (GCE), JSON (Azure IMDS).
          send: (req) =>
            Promise.resolve({
              status: 200,
              body: req.url.includes('/metadata/') ? '{"access_token":"h.c.s","compute":{}}' : 'h.c.s',
            }),
        },
        clock: new ManualClock(),
        log: createLogSink('info').log,
      });
      const request = await method.login();
      expect(request.kind === 'token' || request.path === `auth/${name}/login`).toBe(true);
    }
  });
});
