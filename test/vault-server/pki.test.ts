// PKI issue: real certificates that verify against the mount's CA, Vault's response shape, role
// checks and generate_lease.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { startVaultServer, type VaultTestServer } from './server.ts';
import { normalizeIds, vaultCall, type CallResult } from './test-client.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let server: VaultTestServer;

beforeAll(async () => {
  server = await startVaultServer({
    now: () => T0,
    seed: {
      secrets: {
        pki: {
          type: 'pki', common_name: 'test root',
          roles: {
            web: { allowed_domains: ['example.com'], allow_subdomains: true, ttl: '1h', max_ttl: '24h' },
            leased: { ttl: 600, max_ttl: 600, generate_lease: true, allow_ip_sans: false },
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await server.close();
});

const issue = (role: string, body: unknown): Promise<CallResult> => vaultCall(server.url, 'PUT', `/v1/pki/issue/${role}`, { token: server.rootToken, body });

interface IssueData {
  ca_chain: string[]; certificate: string; expiration: number; issuing_ca: string; private_key: string; private_key_type: string; serial_number: string;
}

describe('pki/issue', () => {
  it('issues a certificate signed by the mount CA, with the SANs asked for', async () => {
    const res = await issue('web', { common_name: 'foo.example.com', ttl: '2h', alt_names: 'bar.example.com', ip_sans: '127.0.0.1' });
    expect(res.status).toBe(200);
    const body = normalizeIds(res.body) as { data: IssueData };
    const d = body.data;
    expect(body).toEqual({
      request_id: '<uuid>', lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null, mount_type: 'pki',
      data: {
        ca_chain: [d.issuing_ca], certificate: d.certificate, expiration: T0 / 1000 + 7200, issuing_ca: d.issuing_ca,
        private_key: d.private_key, private_key_type: 'ec', serial_number: d.serial_number,
      },
    });
    const ca = new X509Certificate(d.issuing_ca);
    const cert = new X509Certificate(d.certificate);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(ca.subject).toBe('CN=test root');
    expect(cert.subject).toBe('CN=foo.example.com');
    expect(cert.subjectAltName).toBe('DNS:foo.example.com, DNS:bar.example.com, IP Address:127.0.0.1');
    expect(new Date(cert.validTo).getTime()).toBe(T0 + 7_200_000);
    expect(cert.serialNumber.toLowerCase()).toBe(d.serial_number.replaceAll(':', ''));
    expect(d.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(d.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/);
    expect(d.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+\n-----END EC PRIVATE KEY-----$/);
    const publicFromKey = createPublicKey(createPrivateKey(d.private_key)).export({ type: 'spki', format: 'der' });
    expect(publicFromKey.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    const caRead = await vaultCall(server.url, 'GET', '/v1/pki/cert/ca', { token: server.rootToken });
    expect((caRead.body as { data: unknown }).data).toEqual({ certificate: d.issuing_ca, revocation_time: 0 });
  });

  it('uses the role TTL by default and caps at max_ttl with a warning', async () => {
    const def = (await issue('web', { common_name: 'a.example.com' })).body as { data: IssueData };
    expect(def.data.expiration).toBe(T0 / 1000 + 3600);
    const long = (await issue('web', { common_name: 'a.example.com', ttl: '48h' })).body as { data: IssueData; warnings: unknown };
    expect([long.data.expiration, long.warnings]).toEqual([T0 / 1000 + 86400, ['TTL "48h0m0s" is longer than permitted maxTTL "24h0m0s", so using maxTTL']]);
  });

  it('returns PKCS#8 keys when asked', async () => {
    const res = (await issue('web', { common_name: 'a.example.com', private_key_format: 'pkcs8' })).body as { data: IssueData };
    expect(res.data.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('attaches a non-renewable lease with generate_lease', async () => {
    const res = await issue('leased', { common_name: 'anything' });
    const body = res.body as { lease_id: string; renewable: boolean; lease_duration: number };
    expect([body.lease_id, body.renewable, body.lease_duration]).toEqual([expect.stringMatching(/^pki\/issue\/leased\/[A-Za-z0-9]{24}$/), false, 600]);
    const renew = await vaultCall(server.url, 'PUT', '/v1/sys/leases/renew', { token: server.rootToken, body: { lease_id: body.lease_id } });
    expect({ status: renew.status, body: renew.body }).toEqual({ status: 400, body: { errors: ['lease is not renewable'] } });
  });

  it.each([
    ['web', {}, 'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false'],
    ['web', { common_name: 'evil.com' }, 'common name evil.com not allowed by this role'],
    ['web', { common_name: 'example.com' }, 'common name example.com not allowed by this role'],
    ['web', { common_name: 'a.example.com', alt_names: 'b.evil.com' }, 'subject alternate name b.evil.com not allowed by this role'],
    ['leased', { common_name: 'a', ip_sans: '10.0.0.1' }, 'IP Subject Alternative Names are not allowed in this role, but was provided 10.0.0.1'],
    ['nope', { common_name: 'a' }, 'unknown role: nope'],
  ])('role %s refuses %p', async (role, body, message) => {
    const res = await issue(role, body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { errors: [message] } });
  });
});
