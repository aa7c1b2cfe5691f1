import { beforeAll, describe, expect, it } from '@jest/globals';
import { reusablePkiCert } from './pki-reuse.ts';
import { secretRequestKey, type SecretRequest } from '../render/engine.ts';
import { createCa, issueCertificate, type CertificateAuthority, type KeyPairPem } from '../../shared/tls/certificates.ts';

const req = (params: Record<string, string>): SecretRequest => ({ kind: 'pkiCert', path: 'pki/issue/app', params, key: secretRequestKey('pkiCert', 'pki/issue/app', params) });

let ca: CertificateAuthority;
let leaf: KeyPairPem;
beforeAll(async () => {
  ca = await createCa({ commonName: 'root', validityMs: 7_200_000 });
  leaf = await issueCertificate({ ca, commonName: 'web.example.com', dnsNames: ['web.example.com'], validityMs: 3_600_000 });
});

describe('reusablePkiCert', () => {
  it('reuses a valid certificate with its key, CA after it, and measures rotation from NotBefore', () => {
    const text = `${leaf.certPem}\n${leaf.keyPem}\n${ca.certPem}\n`;
    const got = reusablePkiCert(text, req({ common_name: 'web.example.com' }), leaf.notBefore.getTime() + 1000);
    expect(got?.issuedAt).toBe(Math.floor(leaf.notBefore.getTime() / 1000) * 1000);
    expect(got?.response.data).toEqual({
      certificate: leaf.certPem.trim(), private_key: leaf.keyPem.trim(), issuing_ca: ca.certPem.trim(), ca_chain: [ca.certPem.trim()],
      expiration: Math.floor(leaf.notAfter.getTime() / 1000),
    });
  });

  it.each([
    ['no key', () => leaf.certPem, 0],
    ['no certificate', () => leaf.keyPem, 0],
    ['an expired certificate', () => `${leaf.certPem}${leaf.keyPem}`, 2 * 3_600_000],
    ['garbage', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----', 0],
  ])('does not reuse a file with %s', (_what, text, offset) => {
    expect(reusablePkiCert(text(), req({}), leaf.notBefore.getTime() + 1000 + offset)).toBeUndefined();
  });

  it('does not reuse a certificate for another common name', () => {
    expect(reusablePkiCert(`${leaf.certPem}${leaf.keyPem}`, req({ common_name: 'api.example.com' }), leaf.notBefore.getTime() + 1000)).toBeUndefined();
  });
});
