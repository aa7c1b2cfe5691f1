import { describe, expect, it } from '@jest/globals';
import { azureMethod } from './azure.ts';
import type { AzureAuthSettings } from '../../config/settings.ts';
import type { CloudHttpRequest, CloudHttpResponse } from '../cloud-http.ts';

const SETTINGS: AzureAuthSettings = {
  type: 'azure',
  mountPath: 'auth/azure',
  role: 'web',
  resource: 'https://management.azure.com/',
  imdsUrl: 'http://127.0.0.1:9',
  minBackoffMs: 1000,
  maxBackoffMs: 300_000,
  exitOnErr: false,
};

function method(answer: (req: CloudHttpRequest) => CloudHttpResponse, settings: Partial<AzureAuthSettings> = {}) {
  const sent: CloudHttpRequest[] = [];
  return {
    sent,
    m: azureMethod(
      { ...SETTINGS, ...settings },
      {
        send: (req) => {
          sent.push(req);
          return Promise.resolve(answer(req));
        },
      },
    ),
  };
}

const IMDS = (req: CloudHttpRequest): CloudHttpResponse =>
  req.url.includes('/metadata/instance')
    ? {
        status: 200,
        body: JSON.stringify({
          compute: { name: 'web-1', resourceGroupName: 'rg', subscriptionId: 'sub', vmScaleSetName: '' },
        }),
      }
    : { status: 200, body: JSON.stringify({ access_token: 'h.c.s', token_type: 'Bearer' }) };

describe('azure login method', () => {
  it('asks IMDS for the VM identity and a token for the resource (user-assigned identity by client ID) and sends what Vault Agent sends', async () => {
    const t = method(IMDS, { clientId: 'c-1' });
    expect(await t.m.login()).toEqual({
      kind: 'login',
      path: 'auth/azure/login',
      body: {
        role: 'web',
        jwt: 'h.c.s',
        subscription_id: 'sub',
        resource_group_name: 'rg',
        vm_name: 'web-1',
        vmss_name: '',
      },
    });
    expect(t.sent.map((r) => [r.url, r.headers])).toEqual([
      ['http://127.0.0.1:9/metadata/instance?api-version=2017-08-01', { Metadata: 'true' }],
      [
        'http://127.0.0.1:9/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F&client_id=c-1',
        { Metadata: 'true' },
      ],
    ]);
  });

  it('names the IMDS call that failed, never quoting its body', async () => {
    await expect(
      method((req) =>
        req.url.includes('oauth2') ? { status: 400, body: '{"error":"SENTINEL"}' } : IMDS(req),
      ).m.login(),
    ).rejects.toThrow(/^IMDS token: status 400$/);
    await expect(
      method((req) => (req.url.includes('oauth2') ? { status: 200, body: '{}' } : IMDS(req))).m.login(),
    ).rejects.toThrow('IMDS token: no access_token in the answer');
  });
});
