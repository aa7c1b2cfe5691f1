// Answers an AdmissionReview from the bytes of an earlier one that differed only in request.uid.
// The pods of one ReplicaSet reach the webhook as identical reviews but for that uid (no name yet,
// same template, same owner, same requester), so a scale-up of N replicas costs one decision, and
// the other N−1 reviews are answered without parsing JSON or encoding a patch.
//
// Why a hit is exactly the answer the full path would give: an entry holds a review's bytes with the
// uid's characters cut out (S, cut at offset p) and its response. It is only made when
// (1) the uid is plain ASCII (no quote, backslash or control character: its JSON text is itself),
// (2) the text `"uid":"<uid>"` occurs once in the review, and (3) writing other characters in its
// place changes what JSON.parse gives as request.uid: the cut is the field the review's uid is read
// from, not an owner reference or an annotation holding the same text. A later review B hits only if
// B = S[0,p) + V + S[p,) byte for byte (compared, never trusted to a hash) with V plain. Then B parses to
// the first review with request.uid = V and nothing else changed, and since the decision is a
// function of the review without its uid (admitPod is pure), B's answer is the stored response with
// V in place of the uid. Anything else, pretty-printed JSON included, takes the full path.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface ReviewCacheOptions {
  /** Upper bound on the bytes the entries hold (review and response bytes, plus overhead). */
  readonly maxBytes: number;
  /** Reviews larger than this are never cached. */
  readonly maxReviewBytes: number;
  /**
   * Keep an entry only when its review has been missed before (the second pod of a workload):
   * most reviews are never seen twice. Only a fingerprint of each missed review is kept, in a
   * fixed-size table; a fingerprint decides nothing but whether to keep an entry.
   */
  readonly keepOnSecondMiss: boolean;
}

export const DEFAULT_REVIEW_CACHE: ReviewCacheOptions = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxReviewBytes: 64 * 1024,
  keepOnSecondMiss: true,
});

/** A response whose uid characters sit at [uidStart, uidEnd): see responseWithUid. */
export interface ResponseTemplate {
  readonly bytes: Buffer;
  readonly uidStart: number;
  readonly uidEnd: number;
}

export interface ReviewHit<T> {
  /** The new review's uid. */
  readonly uid: string;
  /** The response to the new review, in order: the stored one with this uid (see responseWithUid). */
  readonly response: readonly Buffer[];
  /** What the caller stored with the entry (log and metric fields). */
  readonly detail: T;
}

export interface ReviewCache<T> {
  lookup(review: Buffer): ReviewHit<T> | undefined;
  /**
   * Offers an answered review; kept only if every condition above holds (and, maybe, on a second
   * miss). The detail is made only for a kept entry.
   */
  remember(review: Buffer, uid: string, response: ResponseTemplate, detail: () => T): void;
  stats(): { readonly entries: number; readonly bytes: number; readonly hits: number };
}

interface Entry<T> {
  /** The fingerprint of the review without its uid: the entry's key in the LRU order. */
  readonly key: string;
  readonly before: Buffer;
  readonly after: Buffer;
  readonly response: ResponseTemplate;
  readonly detail: T;
  readonly bytes: number;
}

const UID_FIELD = Buffer.from('"uid":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** How many `"uid":"` occurrences a lookup tries: the request's uid comes first in API server JSON. */
const MAX_CANDIDATES = 4;
/**
 * Slots for the fingerprints of missed reviews (keepOnSecondMiss): a fingerprint sits in the slot
 * its CRC picks until another takes that slot, so about this many recent misses are remembered.
 */
export const MISSED_SLOTS = 16384;
/** Per-entry cost beyond its buffers (objects, map slots, key strings, bound logger), roughly. */
const ENTRY_OVERHEAD = 1024;
/** Entries with the same uid offset and length share a bucket; a lookup compares each. */
const MAX_BUCKET = 8;

/** Printable ASCII without quote or backslash: JSON text that is its own value. */
function isPlain(bytes: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i += 1) {
    const c = bytes[i] as number;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

/** A lookup finds its bucket without hashing the review: uid offset and the length without it. */
function bucketOf(start: number, strippedLength: number): string {
  return `${start}:${strippedLength}`;
}

function keyOf(review: Buffer, start: number, end: number): string {
  const digest = createHash('sha1').update(review.subarray(0, start)).update(review.subarray(end)).digest('base64');
  return `${start}:${digest}`;
}

/**
 * A missed review's fingerprint for keepOnSecondMiss: a CRC-32 of the review without its uid
 * (zlib's, a few times cheaper than SHA-1 over a whole review) and its length without the uid. A
 * collision only keeps an entry early (a hit is still compared byte for byte, entries are keyed by
 * SHA-1), and one review sent twice keeps an entry anyway, so a forged collision gains an attacker
 * nothing.
 */
function missCrc(review: Buffer, start: number, end: number): number {
  return crc32(review.subarray(end), crc32(review.subarray(0, start)));
}

/** Where the uid's characters sit in the first `"uid":"<uid>"` of the review. */
function firstUidSlot(review: Buffer, uid: string): { start: number; end: number } | undefined {
  // Most often the first `"uid":"` is the request's: compared in place, no search text is built.
  const at = review.indexOf(UID_FIELD);
  if (at < 0) return undefined;
  const start = at + UID_FIELD.length;
  const end = start + uid.length;
  if (review[end] === QUOTE && sameLatin1(review, start, uid)) return { start, end };
  const field = Buffer.from(`"uid":"${uid}"`);
  const later = review.indexOf(field, at + 1);
  return later < 0 ? undefined : { start: later + UID_FIELD.length, end: later + field.length - 1 };
}

/** Whether the bytes at `start` are the characters of `text`, one byte each. */
function sameLatin1(bytes: Buffer, start: number, text: string): boolean {
  if (start + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i += 1) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Whether the characters at the slot are the ones JSON.parse reads request.uid from. */
function slotIsRequestUid(review: Buffer, start: number, end: number): boolean {
  const probe = Buffer.from(review);
  const marker = review[start] === 0x61 ? 0x62 : 0x61; // 'a', or 'b' where the uid starts with 'a'
  probe.fill(marker, start, end);
  try {
    const parsed = JSON.parse(probe.toString('utf8')) as { request?: { uid?: unknown } } | null;
    return parsed?.request?.uid === String.fromCharCode(marker).repeat(end - start);
  } catch {
    return false;
  }
}

/**
 * The template's response with another uid, as chunks to write in order: a small new head, then
 * the stored rest (~9 KB) itself, neither copied nor allocated per request.
 */
export function responseWithUid(template: ResponseTemplate, uid: string): readonly Buffer[] {
  const { bytes, uidStart, uidEnd } = template;
  const head = Buffer.allocUnsafe(uidStart + uid.length);
  bytes.copy(head, 0, 0, uidStart);
  head.write(uid, uidStart, 'latin1');
  return [head, bytes.subarray(uidEnd)];
}

export function createReviewCache<T>(options: ReviewCacheOptions = DEFAULT_REVIEW_CACHE): ReviewCache<T> {
  // Least recently used first, by fingerprint; lookups go through the buckets.
  const entries = new Map<string, Entry<T>>();
  const buckets = new Map<string, Entry<T>[]>();
  // How many entries cut at each offset: a lookup tries only candidates at a known offset.
  const offsets = new Map<number, number>();
  // Missed fingerprints in two typed arrays, slot by CRC (length + 1, so that 0 marks an empty
  // slot): fixed memory, and nothing for the collector, though nearly every review is missed once.
  // (A Set of numbers with a ring for its order cost ~5 % more CPU on reviews that ask for no agent.)
  const missedCrc = new Uint32Array(MISSED_SLOTS);
  const missedLength = new Uint32Array(MISSED_SLOTS);
  let bytes = 0;
  let hits = 0;

  function drop(entry: Entry<T>): void {
    entries.delete(entry.key);
    bytes -= entry.bytes;
    const start = entry.before.length;
    const bucketKey = bucketOf(start, start + entry.after.length);
    const bucket = buckets.get(bucketKey) ?? [];
    bucket.splice(bucket.indexOf(entry), 1);
    if (bucket.length === 0) buckets.delete(bucketKey);
    const count = (offsets.get(start) ?? 1) - 1;
    if (count === 0) offsets.delete(start);
    else offsets.set(start, count);
  }

  /** With keepOnSecondMiss, whether this review was missed before (and if not, note it). */
  function seenBefore(crc: number, length: number): boolean {
    const slot = crc % MISSED_SLOTS;
    if (missedCrc[slot] === crc && missedLength[slot] === length + 1) {
      missedLength[slot] = 0;
      return true;
    }
    // An earlier fingerprint in this slot gives way: its review gets an entry one miss later.
    missedCrc[slot] = crc;
    missedLength[slot] = length + 1;
    return false;
  }

  function find(review: Buffer, start: number, end: number): Entry<T> | undefined {
    const bucket = buckets.get(bucketOf(start, review.length - (end - start)));
    if (bucket === undefined) return undefined;
    const before = review.subarray(0, start);
    const after = review.subarray(end);
    return bucket.find((entry) => after.equals(entry.after) && before.equals(entry.before));
  }

  function lookup(review: Buffer): ReviewHit<T> | undefined {
    if (entries.size === 0 || review.length > options.maxReviewBytes) return undefined;
    let from = 0;
    for (let tries = 0; tries < MAX_CANDIDATES; tries += 1) {
      const at = review.indexOf(UID_FIELD, from);
      if (at < 0) return undefined;
      const start = at + UID_FIELD.length;
      const end = review.indexOf(QUOTE, start);
      if (end < 0) return undefined;
      from = end + 1;
      if (!offsets.has(start) || !isPlain(review, start, end)) continue;
      const entry = find(review, start, end);
      if (entry === undefined) continue;
      entries.delete(entry.key); // most recently used last
      entries.set(entry.key, entry);
      hits += 1;
      const uid = review.toString('latin1', start, end);
      return { uid, response: responseWithUid(entry.response, uid), detail: entry.detail };
    }
    return undefined;
  }

  function remember(review: Buffer, uid: string, response: ResponseTemplate, detail: () => T): void {
    if (review.length > options.maxReviewBytes) return;
    const slot = firstUidSlot(review, uid);
    if (
      slot === undefined ||
      !isPlain(review, slot.start, slot.end) ||
      (entries.size > 0 && find(review, slot.start, slot.end) !== undefined)
    )
      return;
    // A first miss (most reviews) stops here, after one pass over the bytes for the fingerprint;
    // the checks that scan or parse the whole review again run only for an entry about to be made.
    if (
      options.keepOnSecondMiss &&
      !seenBefore(missCrc(review, slot.start, slot.end), review.length - (slot.end - slot.start))
    )
      return;
    const field = review.subarray(slot.start - UID_FIELD.length, slot.end + 1);
    if (review.indexOf(field, slot.start - UID_FIELD.length + 1) >= 0) return; // the uid field must occur once
    if (!slotIsRequestUid(review, slot.start, slot.end)) return;
    const key = keyOf(review, slot.start, slot.end);
    const entry: Entry<T> = {
      key,
      before: Buffer.from(review.subarray(0, slot.start)),
      after: Buffer.from(review.subarray(slot.end)),
      response: { bytes: Buffer.from(response.bytes), uidStart: response.uidStart, uidEnd: response.uidEnd },
      detail: detail(),
      bytes: review.length + response.bytes.length + ENTRY_OVERHEAD,
    };
    const bucketKey = bucketOf(slot.start, review.length - (slot.end - slot.start));
    const bucket = buckets.get(bucketKey) ?? [];
    // A full bucket (many reviews of one size, uid at one offset) gives up its oldest entry.
    if (bucket.length >= MAX_BUCKET) drop(bucket[0] as Entry<T>);
    bucket.push(entry);
    buckets.set(bucketKey, bucket);
    entries.set(key, entry);
    offsets.set(slot.start, (offsets.get(slot.start) ?? 0) + 1);
    bytes += entry.bytes;
    for (const oldest of entries.values()) {
      if (bytes <= options.maxBytes) break;
      drop(oldest);
    }
  }

  return { lookup, remember, stats: () => ({ entries: entries.size, bytes, hits }) };
}
