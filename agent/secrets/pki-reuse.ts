// pkiCert's restart rule (consul-template): before issuing, look at the template's destination
// file; if it already holds a certificate (with its key) that is valid now, reuse it and rotate
// on the normal schedule instead of minting a new certificate on every restart.
import type { X509Certificate } from 'node:crypto';
import { crypto } from '../lazy-builtins.ts';
import type { SecretRequest, VaultResponse } from '../render/engine.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export interface ReusedCert {
  readonly response: VaultResponse;
  /** NotBefore, ms: the start of the validity the rotation rule is measured on. */
  readonly issuedAt: number;
}

/** The certificate in `text` as a pkiCert response, or undefined when it cannot be reused. */
export function reusablePkiCert(text: string, request: SecretRequest, nowMs: number): ReusedCert | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1] ?? '', pem: m[0] }));
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.pem);
  const key = blocks.find((b) => b.label.endsWith('PRIVATE KEY'))?.pem;
  const leaf = certs[0];
  if (leaf === undefined || key === undefined) return undefined;
  let cert: X509Certificate;
  try {
    cert = new (crypto().X509Certificate)(leaf);
  } catch {
    return undefined;
  }
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(nowMs >= from && nowMs < to)) return undefined;
  const cn = request.params['common_name'];
  if (cn !== undefined && !cert.subject.split('\n').includes(`CN=${cn}`)) return undefined;
  return {
    issuedAt: from,
    response: {
      lease_id: '',
      lease_duration: 0,
      renewable: false,
      data: { certificate: leaf, private_key: key, issuing_ca: certs[1] ?? '', ca_chain: certs.slice(1), expiration: Math.floor(to / 1000) },
    },
  };
}
