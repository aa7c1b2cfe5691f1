// Memoises the admit function. admitPod is pure (same pod, namespace and operation → same
// decision; its output is deterministic by design), and the pods of one ReplicaSet reach the
// webhook as identical objects (no name yet, same template), so a scale-up of N replicas costs one
// decision instead of N. Bounded by an approximate byte budget, least recently used first out.
// With keepOnSecondMiss, a decision is kept only when its key has been missed before (the second
// pod of a workload): most keys are never seen twice, and keeping their entries cost about a
// quarter of such a review (building and freezing the entry, then the garbage collector moving and
// dropping 16 MiB of them). Only a fingerprint of each missed key is kept, in a bounded set; a
// fingerprint decides nothing but whether to keep an entry, so a collision cannot give a pod
// another pod's decision: lookups always compare the whole key.
import { hash } from 'node:crypto';
import type { AdmissionDecision, AdmitFn, AdmitInput } from './review.ts';

export interface DecisionCacheOptions {
  /** Upper bound on the memory the cache holds, estimated from the key sizes. */
  readonly maxBytes: number;
  /** Objects whose JSON is larger than this are never cached. */
  readonly maxObjectBytes: number;
  /**
   * Whether a review is worth a cache entry at all. Serialising a pod for the key costs 10–20 µs;
   * a pod that asks for no injection is decided in about 2 µs, so it should bypass the cache.
   * Absent: every review goes through the cache.
   */
  readonly worthCaching?: (input: AdmitInput) => boolean;
  /** Keep a decision only on the second miss of its key (see above). Absent: on the first. */
  readonly keepOnSecondMiss?: boolean;
}

export const DEFAULT_DECISION_CACHE: DecisionCacheOptions = Object.freeze({ maxBytes: 16 * 1024 * 1024, maxObjectBytes: 64 * 1024 });

// A cached entry (key, decision with its patch, encoded response tail) measured ~8× the key's
// length on the typical annotated pod (node --expose-gc, heap after 1,000 distinct entries).
const SIZE_FACTOR = 8;
/** Fingerprints of missed keys kept for keepOnSecondMiss: ~60 bytes each. */
const MAX_MISSED = 8192;

export interface DecisionCache {
  readonly admit: AdmitFn;
  stats(): { readonly entries: number; readonly bytes: number; readonly hits: number; readonly misses: number };
}

export function createDecisionCache(admit: AdmitFn, options: DecisionCacheOptions = DEFAULT_DECISION_CACHE): DecisionCache {
  const entries = new Map<string, { decision: AdmissionDecision; bytes: number }>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const missed = new Set<string>();

  /** Whether this miss should keep an entry; with keepOnSecondMiss, only a repeated key's. */
  function worthKeeping(key: string): boolean {
    if (options.keepOnSecondMiss !== true) return true;
    const fingerprint = hash('sha1', key, 'base64');
    if (missed.delete(fingerprint)) return true;
    missed.add(fingerprint);
    if (missed.size > MAX_MISSED) for (const oldest of missed) { missed.delete(oldest); break; }
    return false;
  }

  function remember(key: string, decision: AdmissionDecision): void {
    const size = key.length * SIZE_FACTOR;
    // Shared between requests from now on: nobody may change it.
    entries.set(key, { decision: freezeDecision(decision), bytes: size });
    bytes += size;
    for (const [oldest, entry] of entries) {
      if (bytes <= options.maxBytes) break;
      entries.delete(oldest);
      bytes -= entry.bytes;
    }
  }

  const cached = (input: AdmitInput): AdmissionDecision => {
    if (options.worthCaching !== undefined && !options.worthCaching(input)) return admit(input);
    const json = JSON.stringify(input.object) as string | undefined;
    if (json === undefined || json.length > options.maxObjectBytes) return admit(input);
    const key = `${input.namespace}\u0000${input.operation}\u0000${json}`;
    const hit = entries.get(key);
    if (hit !== undefined) {
      hits += 1;
      entries.delete(key);
      entries.set(key, hit);
      return hit.decision;
    }
    misses += 1;
    const decision = admit(input);
    if (worthKeeping(key)) remember(key, decision);
    return decision;
  };

  return { admit: cached, stats: () => ({ entries: entries.size, bytes, hits, misses }) };
}

// The decision, its lists and each patch operation are frozen; the operations' values are left as
// they are: freezing every node of the injected containers cost more than a tenth of a miss, and
// nothing reads them but the one JSON.stringify that encodes the patch (admission/review.ts).
function freezeDecision(decision: AdmissionDecision): AdmissionDecision {
  if (decision.allowed) for (const op of decision.patch) Object.freeze(op);
  Object.freeze(decision.warnings);
  if (decision.allowed) Object.freeze(decision.patch);
  return Object.freeze(decision);
}
