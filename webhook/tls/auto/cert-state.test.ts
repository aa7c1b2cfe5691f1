import { describe, expect, it } from '@jest/globals';
import { bundleWith, decodeState, encodeState, planCerts, servable, splitPem, wantedSans, type CertPolicy } from './cert-state.ts';
import { inheritedCa, issue } from './issue.ts';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const policy: CertPolicy = { caValidityMs: 100 * HOUR, leafValidityMs: 10 * HOUR, renewBeforeFraction: 0.1, hosts: ['svc', 'svc.ns.svc', '10.0.0.7'] };

describe('auto-TLS certificate planning', () => {
  it('asks for a CA when nothing is stored, and issues CA + leaf with the wanted SANs', async () => {
    expect(planCerts(undefined, T0, policy)).toEqual({ kind: 'new-ca', reason: 'missing' });
    const state = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    expect(splitPem(state.caBundlePem)).toEqual(splitPem(state.caCertPem));
    expect(planCerts(state, T0, policy)).toEqual({ kind: 'keep' });
    expect(wantedSans(policy.hosts)).toEqual(['DNS:svc', 'DNS:svc.ns.svc', 'IP:10.0.0.7']);
    expect(servable(state, T0)).toBe(true);
    expect(servable(state, T0 + 10 * HOUR)).toBe(false);
  });

  it('renews the leaf when less than 10 % of its life remains, under the same CA', async () => {
    const state = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    // Leaf life is 10 h plus one minute of back-dating; 10 % is just over one hour.
    expect(planCerts(state, T0 + 8 * HOUR, policy)).toEqual({ kind: 'keep' });
    expect(planCerts(state, T0 + 9 * HOUR, policy)).toEqual({ kind: 'new-leaf', reason: 'expiring' });
    const next = await issue({ plan: { kind: 'new-leaf', reason: 'expiring' }, state, policy, nowMs: T0 + 9 * HOUR, existingBundles: [] });
    expect(next.caCertPem).toBe(state.caCertPem);
    expect(next.caKeyPem).toBe(state.caKeyPem);
    expect(next.certPem).not.toBe(state.certPem);
    expect(planCerts(next, T0 + 9 * HOUR, policy)).toEqual({ kind: 'keep' });
  });

  it('renews the leaf when the hosts change', async () => {
    const state = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    expect(planCerts(state, T0, { ...policy, hosts: ['svc'] })).toEqual({ kind: 'new-leaf', reason: 'hosts-changed' });
  });

  it('rotates the CA before it expires, keeping the old CA in the bundle until it expires', async () => {
    const first = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    const at = T0 + 95 * HOUR;
    expect(planCerts(first, at, policy)).toEqual({ kind: 'new-ca', reason: 'expiring' });
    const second = await issue({ plan: { kind: 'new-ca', reason: 'expiring' }, state: first, policy, nowMs: at, existingBundles: [] });
    expect(splitPem(second.caBundlePem)).toEqual([...splitPem(first.caCertPem), ...splitPem(second.caCertPem)]);
    expect(planCerts(second, at, policy)).toEqual({ kind: 'keep' });
    expect(planCerts(second, T0 + 101 * HOUR, policy)).toEqual({ kind: 'prune-bundle' });
    const pruned = await issue({ plan: { kind: 'prune-bundle' }, state: second, policy, nowMs: T0 + 101 * HOUR, existingBundles: [] });
    expect(splitPem(pruned.caBundlePem)).toEqual(splitPem(second.caCertPem));
    expect(pruned.certPem).toBe(second.certPem);
  });

  it('re-issues a leaf that another CA signed', async () => {
    const a = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    const b = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    expect(planCerts({ ...a, certPem: b.certPem, keyPem: b.keyPem }, T0, policy)).toEqual({ kind: 'new-leaf', reason: 'wrong-issuer' });
  });

  it('keeps trusting the last valid CA already in the webhook configuration on first install', async () => {
    const old = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    expect(inheritedCa([`junk\n${old.caCertPem}`], T0)).toBe(splitPem(old.caCertPem)[0]);
    expect(inheritedCa([old.caCertPem], T0 + 200 * HOUR)).toBe('');
    expect(inheritedCa([''], T0)).toBe('');
    const fresh = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [old.caCertPem] });
    expect(splitPem(fresh.caBundlePem)).toEqual([...splitPem(old.caCertPem), ...splitPem(fresh.caCertPem)]);
  });

  it('round-trips through Secret data and treats an incomplete Secret as empty', async () => {
    const state = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    const data = encodeState(state);
    expect(Object.keys(data).sort()).toEqual(['ca-bundle.crt', 'ca.crt', 'ca.key', 'cert', 'key']);
    expect(decodeState(data)).toEqual(state);
    expect(decodeState({ ...data, 'ca.key': '' })).toBeUndefined();
    expect(decodeState({})).toBeUndefined();
    expect(decodeState(undefined)).toBeUndefined();
  });

  it('bundleWith drops expired and duplicate certificates and ends with the current CA', async () => {
    const a = await issue({ plan: { kind: 'new-ca', reason: 'missing' }, state: undefined, policy, nowMs: T0, existingBundles: [] });
    expect(bundleWith(`${a.caCertPem}${a.caCertPem}`, a.caCertPem, T0)).toBe(splitPem(a.caCertPem).join(''));
  });
});
