// The AppRole, JWT and AWS (iam) login endpoints of the Vault test server over real HTTP, with
// Vault's bodies and error texts; AWS logins are replayed to a loopback STS that checks SigV4.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startVaultServer, type VaultTestServer } from '../server.ts';
import { normalizeIds, vaultCall } from '../test-client.ts';
import { identityJwtSigner } from './identity-jwt.ts';
import { startFakeSts, type FakeSts } from '../../fakes/aws-sts.ts';
import { awsIamMethod } from '../../../agent/auth/methods/aws-iam.ts';
import type { AwsAuthSettings } from '../../../agent/config/settings.ts';
import { MemoryCredentialFiles } from '../../fakes/memory-credential-files.ts';

const signer = identityJwtSigner();
let vault: VaultTestServer;
let sts: FakeSts;

beforeAll(async () => {
  sts = await startFakeSts();
  sts.addUser('arn:aws:iam::123456789012:user/deployer', 'AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vault = await startVaultServer({
    seed: {
      auth: {
        approle: {
          type: 'approle',
          roles: {
            app: { role_id: 'role-1', secret_ids: ['secret-1'], token_ttl: 60, token_policies: ['app'] },
            once: { role_id: 'role-2', secret_ids: ['secret-2'], secret_id_num_uses: 1 },
          },
        },
        jwt: {
          type: 'jwt',
          jwt_validation_pubkeys: [signer.publicKeyPem],
          roles: { ci: { bound_audiences: ['vault'], bound_subject: 'repo:app', token_ttl: 30 } },
        },
        aws: {
          type: 'aws',
          sts_endpoint: sts.url,
          iam_server_id_header_value: 'vault.example.com',
          roles: { deployer: { bound_iam_principal_arn: ['arn:aws:iam::123456789012:user/*'], token_ttl: 120 } },
        },
      },
    },
  });
});

afterAll(async () => {
  await vault.close();
  await sts.close();
});

const login = (mount: string, body: unknown) => vaultCall(vault.url, 'PUT', `/v1/auth/${mount}/login`, { body });

describe('approle login', () => {
  it('issues a service token with the role policies and role_name metadata', async () => {
    const res = await login('approle', { role_id: 'role-1', secret_id: 'secret-1' });
    expect(res.status).toBe(200);
    expect(normalizeIds(res.body)).toMatchObject({
      auth: {
        policies: ['app', 'default'],
        metadata: { role_name: 'app' },
        lease_duration: 60,
        renewable: true,
        token_type: 'service',
      },
      mount_type: 'approle',
    });
  });

  it('answers bad role and secret IDs alike, and spends a one-use secret ID', async () => {
    expect((await login('approle', {})).text).toBe('{"errors":["missing role_id"]}\n');
    expect((await login('approle', { role_id: 'role-1' })).text).toBe('{"errors":["missing secret_id"]}\n');
    for (const body of [
      { role_id: 'nope', secret_id: 'secret-1' },
      { role_id: 'role-1', secret_id: 'nope' },
    ]) {
      const res = await login('approle', body);
      expect([res.status, res.text]).toEqual([400, '{"errors":["invalid role or secret ID"]}\n']);
    }
    expect((await login('approle', { role_id: 'role-2', secret_id: 'secret-2' })).status).toBe(200);
    expect((await login('approle', { role_id: 'role-2', secret_id: 'secret-2' })).status).toBe(400);
  });
});

describe('approle secret IDs and response wrapping', () => {
  it('makes secret IDs for a role, wrapped on request; lookup does not spend the wrapping token, unwrap does', async () => {
    const root = { token: vault.rootToken };
    const plain = await vaultCall(vault.url, 'PUT', '/v1/auth/approle/role/app/secret-id', root);
    const secretId = (plain.body as { data: { secret_id: string } }).data.secret_id;
    expect((await login('approle', { role_id: 'role-1', secret_id: secretId })).status).toBe(200);
    expect((await vaultCall(vault.url, 'PUT', '/v1/auth/approle/role/nope/secret-id', root)).text).toBe(
      '{"errors":["role \\"nope\\" does not exist"]}\n',
    );

    const wrapped = await vaultCall(vault.url, 'PUT', '/v1/auth/approle/role/app/secret-id', {
      ...root,
      headers: { 'x-vault-wrap-ttl': '60s' },
    });
    expect(normalizeIds(wrapped.body)).toMatchObject({
      data: null,
      wrap_info: { ttl: 60, creation_path: 'auth/approle/role/app/secret-id' },
      auth: null,
    });
    const wrapToken = (wrapped.body as { wrap_info: { token: string } }).wrap_info.token;
    for (let i = 0; i < 2; i++) {
      const lookup = await vaultCall(vault.url, 'PUT', '/v1/sys/wrapping/lookup', { body: { token: wrapToken } });
      expect(lookup.body).toMatchObject({
        data: { creation_path: 'auth/approle/role/app/secret-id', creation_ttl: 60 },
      });
    }
    const unwrapped = await vaultCall(vault.url, 'PUT', '/v1/sys/wrapping/unwrap', { token: wrapToken });
    const unwrappedId = (unwrapped.body as { data: { secret_id: string } }).data.secret_id;
    expect((await login('approle', { role_id: 'role-1', secret_id: unwrappedId })).status).toBe(200);
    const again = await vaultCall(vault.url, 'PUT', '/v1/sys/wrapping/unwrap', { token: wrapToken });
    expect([again.status, again.text]).toEqual([400, '{"errors":["wrapping token is not valid or does not exist"]}\n']);
  });
});

describe('jwt login', () => {
  it('checks signature, audience and subject, and names the alias by the user claim', async () => {
    const res = await login('jwt', { role: 'ci', jwt: signer.sign({ sub: 'repo:app' }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ auth: { metadata: { role: 'ci' }, lease_duration: 30 }, mount_type: 'jwt' });
    const other = identityJwtSigner();
    expect((await login('jwt', { role: 'ci', jwt: other.sign({ sub: 'repo:app' }) })).text).toBe(
      '{"errors":["error validating signature: failed to verify id token signature"]}\n',
    );
    expect((await login('jwt', { role: 'ci', jwt: signer.sign({ sub: 'repo:app', aud: 'other' }) })).status).toBe(400);
    expect((await login('jwt', { role: 'ci', jwt: signer.sign({ sub: 'repo:evil' }) })).text).toBe(
      '{"errors":["error validating claims: sub claim does not match bound subject"]}\n',
    );
    expect((await login('jwt', { role: 'nope', jwt: 'x' })).text).toBe(
      '{"errors":["role \\"nope\\" could not be found"]}\n',
    );
    expect((await login('jwt', { role: 'ci' })).text).toBe('{"errors":["missing token"]}\n');
  });
});

describe('aws iam login', () => {
  const settings = (secret: string, headerValue?: string): AwsAuthSettings => ({
    type: 'aws',
    mountPath: 'auth/aws',
    role: 'deployer',
    region: 'us-east-1',
    loginUrl: 'https://sts.amazonaws.com/',
    stsEndpoint: sts.url,
    minBackoffMs: 1000,
    maxBackoffMs: 300_000,
    exitOnErr: false,
    credentials: { kind: 'static', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret },
    ...(headerValue !== undefined ? { headerValue } : {}),
  });
  const body = async (s: AwsAuthSettings): Promise<unknown> => {
    const request = await awsIamMethod(s, {
      http: { send: () => Promise.reject(new Error('unused')) },
      files: new MemoryCredentialFiles(),
      clock: { now: Date.now, setTimer: () => ({ cancel: () => undefined }) },
    }).login();
    return request.kind === 'login' ? request.body : undefined;
  };

  it('replays the signed GetCallerIdentity to STS and binds the caller ARN to the role', async () => {
    const res = await login(
      'aws',
      await body(settings('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'vault.example.com')),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      auth: {
        lease_duration: 120,
        metadata: {
          auth_type: 'iam',
          account_id: '123456789012',
          client_arn: 'arn:aws:iam::123456789012:user/deployer',
          canonical_arn: 'arn:aws:iam::123456789012:user/deployer',
        },
      },
      mount_type: 'aws',
    });
    expect(sts.calls.at(-1)).toEqual({ action: 'GetCallerIdentity', status: 200 });
  });

  it('refuses a missing server ID header and passes on STS refusing a bad signature', async () => {
    expect((await login('aws', await body(settings('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')))).text).toBe(
      '{"errors":["error validating X-Vault-AWS-IAM-Server-ID header: missing header"]}\n',
    );
    const res = await login('aws', await body(settings('wrong-secret', 'vault.example.com')));
    expect(res.status).toBe(400);
    // Go's JSON encoder escapes < and > (\u003c): compare the decoded message.
    expect((res.body as { errors: string[] }).errors[0]).toMatch(
      /^error making upstream request: received error code 403 from STS: <ErrorResponse .*<Code>SignatureDoesNotMatch<\/Code>/,
    );
    expect((await login('aws', { iam_http_request_method: 'GET' })).text).toBe(
      '{"errors":["invalid iam_http_request_method; currently only \'POST\' is supported"]}\n',
    );
  });
});
