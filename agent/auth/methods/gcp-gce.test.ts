import { describe, expect, it } from '@jest/globals';
import { gcpGceMethod } from './gcp-gce.ts';
import type { GcpAuthSettings } from '../../config/settings.ts';
import type { CloudHttpRequest, CloudHttpResponse } from '../cloud-http.ts';

const SETTINGS: GcpAuthSettings = {
  type: 'gcp',
  mountPath: 'auth/gcp',
  role: 'web',
  serviceAccount: 'default',
  metadataHost: '127.0.0.1:8080',
  minBackoffMs: 1000,
  maxBackoffMs: 300_000,
  exitOnErr: false,
};

function method(answer: CloudHttpResponse, settings: Partial<GcpAuthSettings> = {}) {
  const sent: CloudHttpRequest[] = [];
  const m = gcpGceMethod(
    { ...SETTINGS, ...settings },
    {
      send: (req) => {
        sent.push(req);
        return Promise.resolve(answer);
      },
    },
  );
  return { m, sent };
}

describe('gcp gce login method', () => {
  it('asks the metadata server for a full identity token for audience http://vault/<role> and sends it with the role', async () => {
    const { m, sent } = method(
      { status: 200, body: 'eyJh.eyJz.c2ln\n' },
      { serviceAccount: 'web@p.iam.gserviceaccount.com' },
    );
    expect(await m.login()).toEqual({
      kind: 'login',
      path: 'auth/gcp/login',
      body: { role: 'web', jwt: 'eyJh.eyJz.c2ln' },
    });
    expect(sent).toEqual([
      {
        method: 'GET',
        url: 'http://127.0.0.1:8080/computeMetadata/v1/instance/service-accounts/web%40p.iam.gserviceaccount.com/identity?audience=http%3A%2F%2Fvault%2Fweb&format=full',
        headers: { 'Metadata-Flavor': 'Google' },
      },
    ]);
  });

  it('names the metadata server and status on a refusal, and refuses an answer that is not a JWT (without quoting it)', async () => {
    await expect(method({ status: 404, body: 'Not Found' }).m.login()).rejects.toThrow(
      'the metadata server 127.0.0.1:8080 answered 404 for the identity token of service account "default"',
    );
    const odd = method({ status: 200, body: '<html>SENTINEL captive portal</html>' });
    await expect(odd.m.login()).rejects.toThrow(
      /^the metadata server 127\.0\.0\.1:8080 did not answer with an identity token$/,
    );
  });
});
