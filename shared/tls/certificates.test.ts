import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { createCa, issueCertificate, loadCa } from './certificates.ts';

describe('certificates', () => {
  it('issues a leaf that verifies against its CA and carries the SANs', async () => {
    const ca = await createCa({ commonName: 'vaultlet-ca', validityMs: 3_600_000 });
    const leaf = await issueCertificate({ ca, commonName: 'svc', dnsNames: ['svc.ns.svc', 'localhost'], ipAddresses: ['127.0.0.1'], validityMs: 600_000 });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:svc.ns.svc, DNS:localhost, IP Address:127.0.0.1');
    expect(caCert.ca).toBe(true);
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('reloads a CA from PEM and signs with it', async () => {
    const ca = await createCa({ commonName: 'ca', validityMs: 3_600_000 });
    const again = await loadCa(ca.certPem, ca.keyPem);
    const leaf = await issueCertificate({ ca: again, commonName: 'x', validityMs: 60_000 });
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });
});
