import { describe, expect, it } from '@jest/globals';
import type { AdmissionDecision, AdmitFn, AdmitInput } from './review.ts';
import { createDecisionCache } from './decision-cache.ts';

/** Counts calls; answers a fresh decision naming the pod, so hits and misses are told apart. */
function countingAdmit(): { admit: AdmitFn; calls: AdmitInput[] } {
  const calls: AdmitInput[] = [];
  return {
    calls,
    admit: (input): AdmissionDecision => {
      calls.push(input);
      const name = (input.object as { metadata: { generateName: string } }).metadata.generateName;
      return { allowed: true, patch: [{ op: 'add', path: '/metadata/labels', value: { name } }], warnings: [], injection: 'sidecar_only', reason: `call ${calls.length}` };
    },
  };
}

const pod = (generateName: string, filler = ''): unknown => ({ kind: 'Pod', metadata: { generateName, annotations: { filler } } });
const input = (object: unknown, namespace = 'team'): AdmitInput => ({ object, namespace, operation: 'CREATE' });

describe('createDecisionCache', () => {
  it('decides identical pods once and hands back the same frozen decision', () => {
    const { admit, calls } = countingAdmit();
    const cache = createDecisionCache(admit);
    const first = cache.admit(input(pod('web-')));
    const second = cache.admit(input(pod('web-')));
    expect(second).toBe(first);
    expect(calls).toHaveLength(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.allowed && Object.isFrozen(first.patch[0])).toBe(true);
    expect(cache.stats()).toEqual({ entries: 1, bytes: expect.any(Number), hits: 1, misses: 1 });
  });

  it('lets reviews that are not worth an entry bypass the cache', () => {
    const { admit, calls } = countingAdmit();
    const cache = createDecisionCache(admit, {
      maxBytes: 1024 * 1024, maxObjectBytes: 64 * 1024,
      worthCaching: (i) => (i.object as { metadata: { generateName: string } }).metadata.generateName !== 'plain-',
    });
    const a = cache.admit(input(pod('plain-')));
    const b = cache.admit(input(pod('plain-')));
    const c = cache.admit(input(pod('web-')));
    const d = cache.admit(input(pod('web-')));
    expect([a, b, c, d].map((x) => (x.allowed ? x.reason : ''))).toEqual(['call 1', 'call 2', 'call 3', 'call 3']);
    expect(calls).toHaveLength(3);
    expect(Object.isFrozen(a)).toBe(false);
    expect(cache.stats()).toEqual({ entries: 1, bytes: expect.any(Number), hits: 1, misses: 1 });
  });

  it('keeps pods, namespaces and operations apart', () => {
    const { admit, calls } = countingAdmit();
    const cache = createDecisionCache(admit);
    const a = cache.admit(input(pod('web-')));
    const b = cache.admit(input(pod('api-')));
    const c = cache.admit(input(pod('web-'), 'other'));
    const d = cache.admit({ ...input(pod('web-')), operation: 'UPDATE' });
    expect([a, b, c, d].map((x) => (x.allowed ? x.reason : ''))).toEqual(['call 1', 'call 2', 'call 3', 'call 4']);
    expect(calls).toHaveLength(4);
  });

  it('evicts the least recently used entries to stay within its byte budget', () => {
    const { admit, calls } = countingAdmit();
    const size = JSON.stringify(pod('a-', 'x'.repeat(1000))).length;
    // Room for two entries (each counted as 8 × its key).
    const cache = createDecisionCache(admit, { maxBytes: (size + 20) * 8 * 2, maxObjectBytes: 64 * 1024 });
    cache.admit(input(pod('a-', 'x'.repeat(1000))));
    cache.admit(input(pod('b-', 'x'.repeat(1000))));
    cache.admit(input(pod('a-', 'x'.repeat(1000)))); // a is now the most recent
    cache.admit(input(pod('c-', 'x'.repeat(1000)))); // evicts b
    cache.admit(input(pod('a-', 'x'.repeat(1000))));
    cache.admit(input(pod('b-', 'x'.repeat(1000))));
    expect(calls.map((c) => (c.object as { metadata: { generateName: string } }).metadata.generateName)).toEqual(['a-', 'b-', 'c-', 'b-']);
    expect(cache.stats().entries).toBe(2);
  });

  it('with keepOnSecondMiss, keeps a decision only once its key has been missed before', () => {
    const { admit, calls } = countingAdmit();
    const cache = createDecisionCache(admit, { maxBytes: 1024 * 1024, maxObjectBytes: 64 * 1024, keepOnSecondMiss: true });
    const a1 = cache.admit(input(pod('web-')));
    const b1 = cache.admit(input(pod('api-')));
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 2 });
    const a2 = cache.admit(input(pod('web-')));
    const a3 = cache.admit(input(pod('web-')));
    const a4 = cache.admit(input(pod('web-'), 'other'));
    const b2 = cache.admit(input(pod('api-')));
    expect([a1, b1, a2, a3, a4, b2].map((x) => (x.allowed ? x.reason : ''))).toEqual(['call 1', 'call 2', 'call 3', 'call 3', 'call 4', 'call 5']);
    expect(a3).toBe(a2);
    expect(Object.isFrozen(a2)).toBe(true);
    expect(Object.isFrozen(a1)).toBe(false);
    expect(calls).toHaveLength(5);
    expect(cache.stats()).toEqual({ entries: 2, bytes: expect.any(Number), hits: 1, misses: 5 });
  });

  it('never caches objects over the size limit', () => {
    const { admit, calls } = countingAdmit();
    const cache = createDecisionCache(admit, { maxBytes: 1024 * 1024, maxObjectBytes: 100 });
    cache.admit(input(pod('big-', 'x'.repeat(200))));
    cache.admit(input(pod('big-', 'x'.repeat(200))));
    expect(calls).toHaveLength(2);
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0 });
  });

  it('passes an undefined object straight through', () => {
    const { calls } = countingAdmit();
    const deny: AdmitFn = (i) => {
      calls.push(i);
      return { allowed: false, message: 'no object', warnings: [], code: 400 };
    };
    const cache = createDecisionCache(deny);
    expect(cache.admit(input(undefined))).toEqual({ allowed: false, message: 'no object', warnings: [], code: 400 });
    expect(calls).toHaveLength(1);
  });
});
