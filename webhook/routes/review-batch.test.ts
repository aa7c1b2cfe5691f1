import { describe, expect, it } from '@jest/globals';
import { createReviewBatch, type BatchJob } from './review-batch.ts';

/** A batch whose drains run only when the test says so. */
function manualBatch(maxJobs: number) {
  const drains: (() => void)[] = [];
  const errors: unknown[] = [];
  const batch = createReviewBatch({ maxJobs, schedule: (d) => drains.push(d), onError: (e) => errors.push(e) });
  const runNext = (): void => {
    const d = drains.shift();
    if (d === undefined) throw new Error('nothing scheduled');
    d();
  };
  return { batch, drains, errors, runNext };
}

function job(log: string[], name: string, answers = true): BatchJob {
  return () => {
    log.push(`decide ${name}`);
    return answers ? () => log.push(`answer ${name}`) : undefined;
  };
}

describe('createReviewBatch', () => {
  it('decides every queued review before writing any answer, each in arrival order', () => {
    const { batch, drains, runNext } = manualBatch(16);
    const log: string[] = [];
    batch.add(job(log, 'a'));
    batch.add(job(log, 'b'));
    batch.add(job(log, 'c', false));
    batch.add(job(log, 'd'));
    expect(log).toEqual([]);
    expect(drains).toHaveLength(1);
    runNext();
    expect(log).toEqual(['decide a', 'decide b', 'decide c', 'decide d', 'answer a', 'answer b', 'answer d']);
    expect(drains).toHaveLength(0);
  });

  it('decides at most maxJobs before answering; the rest follow in the next turn', () => {
    const { batch, drains, runNext } = manualBatch(2);
    const log: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) batch.add(job(log, name));
    runNext();
    expect(log).toEqual(['decide a', 'decide b', 'answer a', 'answer b']);
    expect(drains).toHaveLength(1);
    runNext();
    runNext();
    expect(log.slice(4)).toEqual(['decide c', 'decide d', 'answer c', 'answer d', 'decide e', 'answer e']);
    expect(drains).toHaveLength(0);
  });

  it('leaves a review added while a batch is answered to the next turn', () => {
    const { batch, drains, runNext } = manualBatch(16);
    const log: string[] = [];
    batch.add(() => {
      log.push('decide a');
      return () => {
        log.push('answer a');
        batch.add(job(log, 'late'));
      };
    });
    runNext();
    expect(log).toEqual(['decide a', 'answer a']);
    expect(drains).toHaveLength(1);
    runNext();
    expect(log).toEqual(['decide a', 'answer a', 'decide late', 'answer late']);
  });

  it('a job or an answer that throws is reported, and every other review is still decided and answered', () => {
    const { batch, errors, runNext } = manualBatch(16);
    const log: string[] = [];
    batch.add(() => {
      throw new Error('decide failed');
    });
    batch.add(job(log, 'b'));
    batch.add(() => () => {
      throw new Error('answer failed');
    });
    batch.add(job(log, 'd'));
    runNext();
    expect(log).toEqual(['decide b', 'decide d', 'answer b', 'answer d']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['decide failed', 'answer failed']);
  });

  it('schedules one drain however many reviews arrive before it runs', async () => {
    const log: string[] = [];
    let drains = 0;
    const batch = createReviewBatch({
      maxJobs: 16,
      schedule: (d) => {
        drains += 1;
        setImmediate(d);
      },
      onError: () => undefined,
    });
    for (const name of ['a', 'b', 'c']) batch.add(job(log, name));
    await new Promise((r) => setImmediate(r));
    expect(drains).toBe(1);
    expect(log).toEqual(['decide a', 'decide b', 'decide c', 'answer a', 'answer b', 'answer c']);
  });
});
