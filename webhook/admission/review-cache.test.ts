import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { crc32 } from 'node:zlib';
import { createReviewCache, MISSED_SLOTS, responseWithUid, type ReviewCacheOptions } from './review-cache.ts';
import { ADMISSION_V1, encodeAdmissionResponse, parseAdmissionReview, type AdmissionDecision } from './review.ts';

const DECISION: AdmissionDecision = {
  allowed: true,
  patch: [{ op: 'add', path: '/metadata/labels', value: { injected: 'yes' } }],
  warnings: [],
  injection: 'init_and_sidecar',
  reason: 'injected',
};
const UID = '7d8b0a3e-5f0c-4c1e-9d5e-2f1a3b4c5d6e';
const OTHER_UID = 'a1b2c3d4-0000-4000-8000-123456789abc';
const EVERY_TIME: ReviewCacheOptions = { maxBytes: 1024 * 1024, maxReviewBytes: 64 * 1024, keepOnSecondMiss: false };

function pod(generateName = 'web-6f7d9-'): Record<string, unknown> {
  return {
    kind: 'Pod',
    metadata: {
      generateName,
      annotations: { 'vault.hashicorp.com/agent-inject': 'true' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-6f7d9', uid: '0f0f0f0f-1111-2222-3333-444444444444' }],
    },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  };
}

/** A review as the API server writes it: compact JSON, request.uid first. */
function reviewText(uid: string, object: unknown = pod(), namespace = 'team'): string {
  return JSON.stringify({
    apiVersion: ADMISSION_V1,
    kind: 'AdmissionReview',
    request: { uid, namespace, operation: 'CREATE', object },
  });
}

/** Answers text as the route does, and offers it to the cache. */
function answer(cache: ReturnType<typeof createReviewCache<string>>, text: string, detail = 'detail'): Buffer {
  const review = parseAdmissionReview(JSON.parse(text));
  const response = encodeAdmissionResponse(review, DECISION);
  cache.remember(Buffer.from(text), review.uid, response, () => detail);
  return response.bytes;
}

function expectedResponse(text: string): string {
  return encodeAdmissionResponse(parseAdmissionReview(JSON.parse(text)), DECISION).bytes.toString('utf8');
}

describe('createReviewCache', () => {
  it('answers a review that differs only in its uid, with that uid, from the second miss on', () => {
    const cache = createReviewCache<string>({ ...EVERY_TIME, keepOnSecondMiss: true });
    answer(cache, reviewText('first-uid'));
    expect(cache.lookup(Buffer.from(reviewText('second-uid')))).toBeUndefined();
    answer(cache, reviewText('second-uid'), 'kept');
    const text = reviewText(OTHER_UID);
    const hit = cache.lookup(Buffer.from(text));
    expect(hit?.uid).toBe(OTHER_UID);
    expect(hit?.detail).toBe('kept');
    expect(hit ? Buffer.concat(hit.response).toString('utf8') : undefined).toBe(expectedResponse(text));
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1 });
  });

  it('remembers misses in a fixed table: a later miss in the same slot makes an earlier review wait one more miss', () => {
    // The slot is the CRC of the review without its uid's characters, which is the review with uid "".
    const slotOf = (generateName: string): number => crc32(Buffer.from(reviewText('', pod(generateName)))) % MISSED_SLOTS;
    const a = 'web-a-';
    let sameSlot = '';
    let otherSlot = '';
    for (let i = 0; sameSlot === ''; i += 1) {
      const name = `web-${i}-`;
      if (slotOf(name) === slotOf(a)) sameSlot = name;
      else if (otherSlot === '') otherSlot = name;
    }
    const kept = (cache: ReturnType<typeof createReviewCache<string>>): boolean =>
      cache.lookup(Buffer.from(reviewText('probe-uid', pod(a)))) !== undefined;

    const apart = createReviewCache<string>({ ...EVERY_TIME, keepOnSecondMiss: true });
    answer(apart, reviewText('uid-1', pod(a)));
    answer(apart, reviewText('uid-2', pod(otherSlot)));
    answer(apart, reviewText('uid-3', pod(a)));
    expect(kept(apart)).toBe(true);

    const clash = createReviewCache<string>({ ...EVERY_TIME, keepOnSecondMiss: true });
    answer(clash, reviewText('uid-1', pod(a)));
    answer(clash, reviewText('uid-2', pod(sameSlot)));
    answer(clash, reviewText('uid-3', pod(a)));
    expect(kept(clash)).toBe(false);
    answer(clash, reviewText('uid-4', pod(a)));
    expect(kept(clash)).toBe(true);
    expect(clash.stats().entries).toBe(1);
  });

  it('keeps an entry on the first answer without keepOnSecondMiss, and takes uids of any plain length', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    answer(cache, reviewText(UID));
    for (const uid of ['x', 'b', UID, `${UID}-longer-than-before`]) {
      const text = reviewText(uid);
      expect(
        (() => {
          const h = cache.lookup(Buffer.from(text));
          return h ? Buffer.concat(h.response).toString('utf8') : undefined;
        })(),
      ).toBe(expectedResponse(text));
    }
  });

  it('misses a review with any other difference: pod, namespace, one byte, pretty-printed', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    answer(cache, reviewText(UID));
    const misses = [
      reviewText(OTHER_UID, pod('api-5c4b3-')),
      reviewText(OTHER_UID, pod(), 'other'),
      reviewText(OTHER_UID).replace('app:1', 'app:2'),
      `${reviewText(OTHER_UID)} `,
      JSON.stringify(JSON.parse(reviewText(OTHER_UID)), null, 2),
    ];
    for (const text of misses) expect(cache.lookup(Buffer.from(text))).toBeUndefined();
  });

  it('misses a uid that is not plain JSON text, and never caches one', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    answer(cache, reviewText(UID));
    expect(cache.lookup(Buffer.from(reviewText('ü-uid')))).toBeUndefined();
    expect(cache.lookup(Buffer.from(reviewText('quote"uid')))).toBeUndefined();
    expect(cache.lookup(Buffer.from(reviewText('tab\tuid')))).toBeUndefined();
    const other = createReviewCache<string>(EVERY_TIME);
    answer(other, reviewText('ü-uid'));
    answer(other, reviewText('back\\slash'));
    expect(other.stats().entries).toBe(0);
  });

  it('does not cache a review whose uid text also occurs elsewhere in it', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    const object = pod();
    (object['metadata'] as { annotations: Record<string, string> }).annotations['echo'] = `"uid":"${UID}"`;
    answer(cache, reviewText(UID, { ...object, status: { uid: UID } }));
    expect(cache.stats().entries).toBe(0);
  });

  it('does not cache a review whose uid text occurs twice, however often it is missed', () => {
    const cache = createReviewCache<string>({ ...EVERY_TIME, keepOnSecondMiss: true });
    for (let i = 0; i < 3; i++) answer(cache, reviewText(UID, { ...pod(), status: { uid: UID } }));
    expect(cache.stats().entries).toBe(0);
  });

  it('keeps an entry on the second miss of a review however long its uids are', () => {
    const cache = createReviewCache<string>({ ...EVERY_TIME, keepOnSecondMiss: true });
    answer(cache, reviewText('a'));
    expect(cache.stats().entries).toBe(0);
    answer(cache, reviewText('a-much-longer-uid-than-the-first-one'));
    expect(cache.stats().entries).toBe(1);
    expect(cache.lookup(Buffer.from(reviewText(OTHER_UID)))?.uid).toBe(OTHER_UID);
  });

  it('does not cache a review whose literal uid field is not the one request.uid is read from', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    // request.uid is spelt with escapes; an owner reference carries the same uid literally.
    const escaped = UID.replace(/[0-9a-f]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    const owner = JSON.stringify({ kind: 'Pod', metadata: { ownerReferences: [{ uid: UID }] } });
    answer(
      cache,
      `{"apiVersion":"${ADMISSION_V1}","request":{"uid":"${escaped}","namespace":"team","object":${owner}}}`,
    );
    // A duplicate uid key, escaped: JSON.parse reads the last one.
    answer(
      cache,
      `{"apiVersion":"${ADMISSION_V1}","request":{"uid":"${UID}","namespace":"team","\\u0075id":"${UID}"}}`,
    );
    expect(cache.stats().entries).toBe(0);
  });

  it('does not cache reviews over the size limit', () => {
    const cache = createReviewCache<string>({ ...EVERY_TIME, maxReviewBytes: 200 });
    answer(cache, reviewText(UID));
    expect(cache.stats().entries).toBe(0);
  });

  it('drops the least recently used entries past its byte budget', () => {
    const one =
      Buffer.byteLength(reviewText(UID)) +
      encodeAdmissionResponse(parseAdmissionReview(JSON.parse(reviewText(UID))), DECISION).bytes.length;
    const cache = createReviewCache<string>({ ...EVERY_TIME, maxBytes: 2 * (one + 1024) + 10 });
    answer(cache, reviewText(UID, pod('a-')));
    answer(cache, reviewText(UID, pod('b-')));
    expect(cache.lookup(Buffer.from(reviewText(OTHER_UID, pod('a-'))))).toBeDefined(); // a is now the newest
    answer(cache, reviewText(UID, pod('c-')));
    expect(cache.stats().entries).toBe(2);
    expect(cache.lookup(Buffer.from(reviewText(OTHER_UID, pod('b-'))))).toBeUndefined();
    expect(cache.lookup(Buffer.from(reviewText(OTHER_UID, pod('a-'))))).toBeDefined();
    expect(cache.lookup(Buffer.from(reviewText(OTHER_UID, pod('c-'))))).toBeDefined();
  });

  it('keeps at most 8 reviews of one size with the uid at one place, dropping the oldest', () => {
    const cache = createReviewCache<string>(EVERY_TIME);
    const names = Array.from({ length: 9 }, (_, i) => `web${i}-`);
    for (const name of names) answer(cache, reviewText(UID, pod(name)));
    expect(cache.stats().entries).toBe(8);
    expect(names.map((name) => cache.lookup(Buffer.from(reviewText(OTHER_UID, pod(name)))) !== undefined)).toEqual([
      false,
      ...Array<boolean>(8).fill(true),
    ]);
  });

  it('writes a uid into a response template at the marked place', () => {
    const template = { bytes: Buffer.from('{"uid":"old","x":1}'), uidStart: 8, uidEnd: 11 };
    expect(Buffer.concat(responseWithUid(template, 'brand-new')).toString()).toBe('{"uid":"brand-new","x":1}');
    expect(Buffer.concat(responseWithUid(template, 'n')).toString()).toBe('{"uid":"n","x":1}');
  });

  // The claim the cache rests on, checked on random reviews and random edits of their bytes: any
  // hit is a review that parses to the remembered one with only request.uid changed.
  it('never hits a review that differs from a remembered one in anything but request.uid', () => {
    const uidArb = fc.stringMatching(/^[0-9a-f-]{1,40}$/);
    const edit = fc.record({
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom('"uid":"', UID, '"', '\\', ' ', 'x', ''), fc.string({ maxLength: 4 })),
      cut: fc.nat(6),
    });
    let hits = 0;
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        uidArb,
        uidArb,
        fc.array(edit, { maxLength: 3 }),
        fc.boolean(),
        (extra, first, second, edits, ownerHasUid) => {
          const object = { ...pod(), extra, ...(ownerHasUid ? { owner: { uid: first } } : {}) };
          const cache = createReviewCache<string>(EVERY_TIME);
          const remembered = reviewText(first, object);
          answer(cache, remembered);
          let text = reviewText(second, object);
          for (const { at, text: inserted, cut } of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + inserted + text.slice(i + cut);
          }
          const hit = cache.lookup(Buffer.from(text));
          if (hit === undefined) return;
          hits += 1;
          const parsed = JSON.parse(text) as { request: { uid: string } };
          expect(parsed).toEqual({
            ...(JSON.parse(remembered) as object),
            request: { ...(JSON.parse(remembered) as { request: object }).request, uid: parsed.request.uid },
          });
          expect(hit.uid).toBe(parsed.request.uid);
          expect(Buffer.concat(hit.response).toString('utf8')).toBe(expectedResponse(text));
        },
      ),
      { numRuns: propertyRuns(400) },
    );
    expect(hits).toBeGreaterThan(20); // not vacuous: many runs do hit
  });
});
