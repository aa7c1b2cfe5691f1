// What auto-TLS keeps (CA, trusted CA bundle, serving leaf), how it is laid out in a Secret, and
// the pure decision of what to (re)generate at a given time. Certificates are inspected with
// node:crypto's X509Certificate; generation lives in issue.ts.
import { X509Certificate } from 'node:crypto';
import type { SecretData } from '../../kube/port.ts';

export interface CertState {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  /** Every CA the API server should trust: older CAs still valid, then the current one. */
  readonly caBundlePem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Secret keys. `cert`/`key` are the names vault-k8s's followers read. */
export const SECRET_KEYS = Object.freeze({
  caCert: 'ca.crt', caKey: 'ca.key', caBundle: 'ca-bundle.crt', cert: 'cert', key: 'key',
} as const);

export interface CertPolicy {
  readonly caValidityMs: number;
  readonly leafValidityMs: number;
  /** Regenerate when less than this fraction of a certificate's life remains (0.1 = 10 %). */
  readonly renewBeforeFraction: number;
  /** Names for the leaf: IP literals become IP SANs, the rest DNS SANs. */
  readonly hosts: readonly string[];
}

export type CertPlan =
  | { readonly kind: 'keep' }
  | { readonly kind: 'new-ca'; readonly reason: 'missing' | 'expiring' | 'unreadable' }
  | { readonly kind: 'new-leaf'; readonly reason: 'expiring' | 'hosts-changed' | 'wrong-issuer' }
  | { readonly kind: 'prune-bundle' };

export function encodeState(state: CertState): SecretData {
  return {
    [SECRET_KEYS.caCert]: state.caCertPem, [SECRET_KEYS.caKey]: state.caKeyPem, [SECRET_KEYS.caBundle]: state.caBundlePem,
    [SECRET_KEYS.cert]: state.certPem, [SECRET_KEYS.key]: state.keyPem,
  };
}

/** The state in a Secret, or undefined when any part is missing (an empty pre-created Secret). */
export function decodeState(data: SecretData | undefined): CertState | undefined {
  if (data === undefined) return undefined;
  const get = (k: string): string | undefined => (data[k] === undefined || data[k] === '' ? undefined : data[k]);
  const caCertPem = get(SECRET_KEYS.caCert);
  const caKeyPem = get(SECRET_KEYS.caKey);
  const caBundlePem = get(SECRET_KEYS.caBundle);
  const certPem = get(SECRET_KEYS.cert);
  const keyPem = get(SECRET_KEYS.key);
  if (caCertPem === undefined || caKeyPem === undefined || caBundlePem === undefined || certPem === undefined || keyPem === undefined) return undefined;
  return { caCertPem, caKeyPem, caBundlePem, certPem, keyPem };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates in a PEM bundle, each normalised to end with a newline. */
export function splitPem(bundle: string): string[] {
  return (bundle.match(PEM_BLOCK) ?? []).map((block) => `${block}\n`);
}

export function parseCert(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function nearExpiry(cert: X509Certificate, nowMs: number, fraction: number): boolean {
  const from = cert.validFromDate.getTime();
  const to = cert.validToDate.getTime();
  return to - nowMs < (to - from) * fraction;
}

/** The SANs a leaf carries, as sorted `DNS:x` / `IP:x` strings. */
export function sanList(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((s) => s !== '').map((s) => s.replace(/^IP Address:/, 'IP:')).sort();
}

export function wantedSans(hosts: readonly string[]): string[] {
  const isIp = (h: string): boolean => /^[\d.]+$/.test(h) || h.includes(':');
  return [...new Set(hosts.map((h) => (isIp(h) ? `IP:${h}` : `DNS:${h}`)))].sort();
}

/**
 * The trusted bundle: every still-valid certificate of `bundle` that is not the current CA, then
 * the current CA. Keeps the previous CA while leaves it signed may still be served.
 */
export function bundleWith(bundle: string, caCertPem: string, nowMs: number): string {
  const current = parseCert(caCertPem);
  const older = splitPem(bundle).filter((pem) => {
    const cert = parseCert(pem);
    return cert !== undefined && cert.validToDate.getTime() > nowMs && cert.fingerprint256 !== current?.fingerprint256;
  });
  return [...older, ...splitPem(caCertPem)].join('');
}

export function planCerts(state: CertState | undefined, nowMs: number, policy: CertPolicy): CertPlan {
  if (state === undefined) return { kind: 'new-ca', reason: 'missing' };
  const ca = parseCert(state.caCertPem);
  const leaf = parseCert(state.certPem);
  if (ca === undefined) return { kind: 'new-ca', reason: 'unreadable' };
  if (nearExpiry(ca, nowMs, policy.renewBeforeFraction)) return { kind: 'new-ca', reason: 'expiring' };
  if (leaf === undefined || !leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return { kind: 'new-leaf', reason: 'wrong-issuer' };
  if (nearExpiry(leaf, nowMs, policy.renewBeforeFraction)) return { kind: 'new-leaf', reason: 'expiring' };
  if (sanList(leaf).join(',') !== wantedSans(policy.hosts).join(',')) return { kind: 'new-leaf', reason: 'hosts-changed' };
  if (bundleWith(state.caBundlePem, state.caCertPem, nowMs) !== state.caBundlePem) return { kind: 'prune-bundle' };
  return { kind: 'keep' };
}

/** The leaf may be served at nowMs (inside its validity window). */
export function servable(state: CertState, nowMs: number): boolean {
  const leaf = parseCert(state.certPem);
  return leaf !== undefined && leaf.validFromDate.getTime() <= nowMs && nowMs < leaf.validToDate.getTime();
}
