// Generates what planCerts asked for: a new CA (keeping the previous one in the trusted bundle) or
// a new serving leaf under the existing CA. ECDSA P-256 through shared/tls/certificates.ts.
import { createCa, issueCertificate, loadCa } from '../../../shared/tls/certificates.ts';
import { bundleWith, parseCert, splitPem, type CertPlan, type CertPolicy, type CertState } from './cert-state.ts';

export const CA_COMMON_NAME = 'Agent Inject CA';
export const LEAF_COMMON_NAME = 'Agent Inject Service';

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

async function leafFor(caCertPem: string, caKeyPem: string, policy: CertPolicy, nowMs: number): Promise<{ certPem: string; keyPem: string }> {
  const ca = await loadCa(caCertPem, caKeyPem);
  const leaf = await issueCertificate({
    ca, commonName: LEAF_COMMON_NAME, validityMs: policy.leafValidityMs, now: new Date(nowMs), usages: ['server'],
    dnsNames: policy.hosts.filter((h) => !isIp(h)), ipAddresses: policy.hosts.filter(isIp),
  });
  return { certPem: leaf.certPem, keyPem: leaf.keyPem };
}

/** The last still-valid certificate of a caBundle found in the webhook configuration (vault-k8s keeps it on CA change). */
export function inheritedCa(existingBundles: readonly string[], nowMs: number): string {
  const last = splitPem(existingBundles[0] ?? '').at(-1);
  if (last === undefined) return '';
  const cert = parseCert(last);
  return cert !== undefined && cert.validToDate.getTime() > nowMs ? last : '';
}

export interface IssueInput {
  readonly plan: Exclude<CertPlan, { kind: 'keep' }>;
  readonly state: CertState | undefined;
  readonly policy: CertPolicy;
  readonly nowMs: number;
  /** caBundles currently in the MutatingWebhookConfiguration, for a first CA to keep trusting the old one. */
  readonly existingBundles: readonly string[];
}

export async function issue(input: IssueInput): Promise<CertState> {
  const { plan, state, policy, nowMs } = input;
  if (plan.kind === 'new-ca' || state === undefined) {
    const ca = await createCa({ commonName: CA_COMMON_NAME, validityMs: policy.caValidityMs, now: new Date(nowMs) });
    const previous = state === undefined ? inheritedCa(input.existingBundles, nowMs) : state.caBundlePem;
    const leaf = await leafFor(ca.certPem, ca.keyPem, policy, nowMs);
    return { caCertPem: ca.certPem, caKeyPem: ca.keyPem, caBundlePem: bundleWith(previous, ca.certPem, nowMs), ...leaf };
  }
  if (plan.kind === 'prune-bundle') return { ...state, caBundlePem: bundleWith(state.caBundlePem, state.caCertPem, nowMs) };
  return { ...state, caBundlePem: bundleWith(state.caBundlePem, state.caCertPem, nowMs), ...(await leafFor(state.caCertPem, state.caKeyPem, policy, nowMs)) };
}
