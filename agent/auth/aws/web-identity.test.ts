import { describe, expect, it } from '@jest/globals';
import { WebIdentityCredentials } from './web-identity.ts';
import type { CloudHttpRequest, CloudHttpResponse } from '../cloud-http.ts';
import { MemoryCredentialFiles } from '../../../test/fakes/memory-credential-files.ts';
import { ManualClock } from '../../../test/fakes/manual-clock.ts';

const TOKEN_FILE = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token';

function answer(expiration: string): CloudHttpResponse {
  return {
    status: 200,
    body: `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s&amp;cret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
  };
}

function setup(respond: (req: CloudHttpRequest) => CloudHttpResponse) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const sent: CloudHttpRequest[] = [];
  const files = new MemoryCredentialFiles({ [TOKEN_FILE]: 'irsa-token-1\n' });
  const creds = new WebIdentityCredentials(
    {
      roleArn: 'arn:aws:iam::1:role/app',
      tokenFilePath: TOKEN_FILE,
      sessionName: 'vaultlet-agent',
      stsEndpoint: 'http://127.0.0.1:9',
    },
    {
      http: {
        send: (req) => {
          sent.push(req);
          return Promise.resolve(respond(req));
        },
      },
      files,
      clock,
    },
  );
  return { clock, sent, files, creds };
}

describe('IRSA web identity credentials', () => {
  it('calls AssumeRoleWithWebIdentity with the token file, and reuses the credentials until 5 minutes before they expire', async () => {
    const t = setup(() => answer('2026-01-01T13:00:00Z'));
    expect(await t.creds.get()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 's&cret',
      sessionToken: 'session',
    });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.url).toBe('http://127.0.0.1:9/');
    expect(Object.fromEntries(new URLSearchParams(t.sent[0]?.body))).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: 'arn:aws:iam::1:role/app',
      RoleSessionName: 'vaultlet-agent',
      Version: '2011-06-15',
      WebIdentityToken: 'irsa-token-1',
    });
    await t.clock.advance(54 * 60_000);
    await t.creds.get();
    expect(t.sent).toHaveLength(1);
    t.files.files.set(TOKEN_FILE, 'irsa-token-2');
    await t.clock.advance(60_000);
    await t.creds.get();
    expect(t.sent).toHaveLength(2);
    expect(new URLSearchParams(t.sent[1]?.body).get('WebIdentityToken')).toBe('irsa-token-2');
  });

  it('names STS errors by code and message, never the token', async () => {
    const t = setup(() => ({
      status: 400,
      body: '<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found</Message></Error></ErrorResponse>',
    }));
    const err = await t.creds.get().catch((e: unknown) => e as Error);
    expect((err as Error).message).toBe(
      'sts AssumeRoleWithWebIdentity for arn:aws:iam::1:role/app: status 400: InvalidIdentityToken: No OpenIDConnect provider found',
    );
    const missing = setup(() => answer('2026-01-01T13:00:00Z'));
    missing.files.files.delete(TOKEN_FILE);
    await expect(missing.creds.get()).rejects.toThrow(`the web identity token file ${TOKEN_FILE} is missing or empty`);
  });
});
