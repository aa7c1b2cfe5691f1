import { describe, expect, it } from '@jest/globals';
import { planRefresh, staggeredThreshold, fetchRetryDelay, type RefreshInputs } from './refresh-schedule.ts';
import { secretRequestKey, type SecretRequest, type VaultResponse } from '../render/engine.ts';
import { JsonNumber } from '../vault/json-number.ts';

const fixed = (r: number) => (): number => r;
const T0 = 1_700_000_000_000;

function inputs(response: Partial<VaultResponse>, request: Partial<SecretRequest> = {}, extra: Partial<RefreshInputs> = {}): RefreshInputs {
  const kind = request.kind ?? 'secret';
  const path = request.path ?? 'x/y';
  return {
    request: { kind, path, params: {}, key: secretRequestKey(kind, path, {}), ...request },
    response: { lease_id: '', lease_duration: 0, renewable: false, data: {}, ...response },
    fetchedAt: T0, staticIntervalMs: 300_000, threshold: 0.9, kvV1: false, ...extra,
  };
}

describe('planRefresh', () => {
  it('renews a renewable lease at once', () => {
    expect(planRefresh(inputs({ lease_id: 'database/creds/app/1', lease_duration: 3600, renewable: true }), fixed(0.5)))
      .toEqual({ kind: 'renew', delayMs: 0, reason: 'renewable-lease' });
  });
  it('re-reads a non-renewable leased secret at lease × (threshold ± 0.05)', () => {
    const r = inputs({ lease_id: 'pki/issue/x/1', lease_duration: 1000 });
    expect(planRefresh(r, fixed(0))).toEqual({ kind: 'refetch', delayMs: 850_000, reason: 'leased' });
    expect(planRefresh(r, fixed(0.5))).toEqual({ kind: 'refetch', delayMs: 900_000, reason: 'leased' });
    expect(planRefresh(r, fixed(1))).toEqual({ kind: 'refetch', delayMs: 950_000, reason: 'leased' });
  });
  it('re-reads a non-leased (KV v2) secret at the static interval × 0.85–0.95: 4m15s–4m45s', () => {
    expect(planRefresh(inputs({}), fixed(0))).toEqual({ kind: 'refetch', delayMs: 255_000, reason: 'static' });
    expect(planRefresh(inputs({}), fixed(1))).toEqual({ kind: 'refetch', delayMs: 285_000, reason: 'static' });
  });
  it('polls KV v1 without a ttl key at the static interval instead of after 32 days', () => {
    expect(planRefresh(inputs({ lease_duration: 2_764_800, data: { a: 1 } }, {}, { kvV1: true }), fixed(0.5)))
      .toEqual({ kind: 'refetch', delayMs: 270_000, reason: 'static' });
    expect(planRefresh(inputs({ lease_duration: 3600, data: { ttl: '1h' } }, {}, { kvV1: true }), fixed(0.5)))
      .toEqual({ kind: 'refetch', delayMs: 3_240_000, reason: 'leased' });
  });
  it('caps a 32-day lease at the largest timer instead of overflowing setTimeout', () => {
    expect(planRefresh(inputs({ lease_id: 'l', lease_duration: 2_764_800 }), fixed(0.5)).delayMs).toBe(2_147_483_647);
  });
  it('re-issues a certificate from `secret` at 85–95 % of the time to expiration', () => {
    const r = inputs({ data: { certificate: 'PEM', expiration: T0 / 1000 + 1000 } });
    expect(planRefresh(r, fixed(0))).toEqual({ kind: 'refetch', delayMs: 850_000, reason: 'certificate' });
  });
  it('rotates a pkiCert at threshold × validity', () => {
    const r = inputs({ data: { certificate: 'PEM', expiration: T0 / 1000 + 1000 } }, { kind: 'pkiCert' });
    expect(planRefresh(r, fixed(0.3))).toEqual({ kind: 'refetch', delayMs: 900_000, reason: 'pki-cert' });
  });
  it('re-reads a rotating static role one second after its ttl', () => {
    expect(planRefresh(inputs({ data: { rotation_period: 86400, ttl: 59, password: 'p' } }), fixed(0.5)))
      .toEqual({ kind: 'refetch', delayMs: 60_000, reason: 'rotating-static-role' });
  });
  it('reads expiration and ttl that arrived as exact-text numbers (JsonNumber) as numbers', () => {
    expect(planRefresh(inputs({ data: { certificate: 'PEM', expiration: new JsonNumber(`${T0 / 1000 + 1000}.0`) } }, { kind: 'pkiCert' }), fixed(0.3)))
      .toEqual({ kind: 'refetch', delayMs: 900_000, reason: 'pki-cert' });
    expect(planRefresh(inputs({ data: { rotation_period: 86400, ttl: new JsonNumber('5.9e1'), password: 'p' } }), fixed(0.5)))
      .toEqual({ kind: 'refetch', delayMs: 60_000, reason: 'rotating-static-role' });
  });
  it('re-lists every static interval without jitter', () => {
    expect(planRefresh(inputs({ data: { keys: [] } }, { kind: 'secrets' }), fixed(0.9))).toEqual({ kind: 'refetch', delayMs: 300_000, reason: 'list' });
  });
});

describe('staggeredThreshold', () => {
  it('keeps the exact threshold when the stagger would leave (0, 1)', () => {
    expect(staggeredThreshold(0.99, fixed(1))).toBe(0.99);
    expect(staggeredThreshold(0.5, fixed(1))).toBeCloseTo(0.55, 10);
  });
});

describe('fetchRetryDelay', () => {
  it('gives Vault Agent\'s template retry sleeps: 0.25 s doubling to 1 m (≈5 min over 12 retries)', () => {
    const delays = Array.from({ length: 12 }, (_, i) => fetchRetryDelay(i, 250, 60_000));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(303_750);
  });
});
