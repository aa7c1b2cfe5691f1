import { describe, expect, it } from '@jest/globals';
import { afterRenewal, afterRenewalError, graceMs, loginBackoffPolicy, nonRenewableTokenDelay, MAX_TIMER_MS } from './token-schedule.ts';
import { backoffDelay } from '../../shared/backoff.ts';

const fixed = (r: number) => (): number => r;

describe('graceMs', () => {
  it.each([
    [3600, 0, 360_000],
    [3600, 0.5, 540_000],
    [3600, 0.999, 719_640],
    [4, 0.5, 600],
  ])('lease %ss with random %s gives %s ms (10–20 %% of the lease)', (lease, r, expected) => {
    expect(graceMs(lease, fixed(r))).toBe(expected);
  });
});

describe('afterRenewal', () => {
  it('sleeps ⅔ of the lease plus ⅓ of the grace for a normal renewal', () => {
    // 1 h token, grace 540 s: 2400 s + 180 s.
    expect(afterRenewal(3600, 540_000)).toEqual({ action: 'sleep', delayMs: 2_580_000 });
  });
  it('gives up (log in again) when the lease stopped growing near max TTL: R ≤ 4·grace', () => {
    // The spec's worked example: renewal returns 1100 s with grace 360–720 s.
    expect(afterRenewal(1100, 360_000)).toEqual({ action: 'expire' });
    expect(afterRenewal(1441, 360_000)).toEqual({ action: 'sleep', delayMs: Math.round((2 / 3) * 1_441_000 + 120_000) });
  });
  it('gives up when the remaining lease is within grace', () => {
    expect(afterRenewal(0, 100)).toEqual({ action: 'expire' });
  });
  it('never asks for a timer longer than setTimeout can hold', () => {
    expect(afterRenewal(100 * 24 * 3600, 0)).toEqual({ action: 'sleep', delayMs: MAX_TIMER_MS });
  });
});

describe('afterRenewalError', () => {
  it('backs off 10 s doubling with ±50 %, capped by the time left on the lease', () => {
    expect(afterRenewalError(0, 600_000, fixed(0.5))).toEqual({ action: 'sleep', delayMs: 10_000 });
    expect(afterRenewalError(1, 600_000, fixed(0))).toEqual({ action: 'sleep', delayMs: 10_000 });
    expect(afterRenewalError(2, 600_000, fixed(1))).toEqual({ action: 'sleep', delayMs: 60_000 });
    expect(afterRenewalError(10, 600_000, fixed(0.5))).toEqual({ action: 'sleep', delayMs: 300_000 });
    expect(afterRenewalError(3, 5_000, fixed(0.5))).toEqual({ action: 'sleep', delayMs: 5_000 });
    expect(afterRenewalError(0, 0, fixed(0.5))).toEqual({ action: 'expire' });
  });
});

describe('nonRenewableTokenDelay', () => {
  it('is ⅔ of what remains', () => {
    expect(nonRenewableTokenDelay(90)).toBe(60_000);
  });
});

describe('loginBackoffPolicy', () => {
  it('reproduces auto-auth: 1 s doubling to 5 m, each reduced by up to 25 %', () => {
    const p = loginBackoffPolicy(1000, 300_000);
    expect([0, 1, 2, 8, 9, 20].map((a) => backoffDelay(p, a, fixed(0)))).toEqual([1000, 2000, 4000, 256_000, 300_000, 300_000]);
    expect([0, 1, 9].map((a) => backoffDelay(p, a, fixed(1)))).toEqual([750, 1500, 225_000]);
  });
});
