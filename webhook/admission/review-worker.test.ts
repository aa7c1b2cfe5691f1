import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { ABANDONED, createReviewWorker, serveReviews, ReviewWorkerError } from './review-worker.ts';
import type { ReviewOutcome } from './decide-review.ts';

/** A worker thread stand-in: records what it is sent; the test answers, fails or hangs it. */
class FakeWorker extends EventEmitter {
  readonly received: Buffer[] = [];
  terminated = false;
  postMessage(bytes: Buffer): void {
    this.received.push(Buffer.from(bytes));
  }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }
  reply(text: string): void {
    const outcome: ReviewOutcome = { kind: 'bad', code: 'WHK_BAD_JSON', message: text };
    this.emit('message', { ok: true, outcome });
  }
}

function pool(timeoutMs = 10_000) {
  const started: FakeWorker[] = [];
  const worker = createReviewWorker({
    start: () => {
      const w = new FakeWorker();
      started.push(w);
      return w as unknown as Worker;
    },
    minBytes: 10,
    timeoutMs,
  });
  return { worker, started };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the review worker (main-thread side)', () => {
  it('sends one review at a time, in order, and answers each with its own outcome', async () => {
    const { worker, started } = pool();
    const first = worker.decide(Buffer.from('first review'));
    const second = worker.decide(Buffer.from('second review'));
    await tick();
    expect(started).toHaveLength(1);
    const w = started[0] as FakeWorker;
    expect(w.received.map(String)).toEqual(['first review']);
    w.reply('one');
    await expect(first).resolves.toMatchObject({ message: 'one' });
    expect(w.received.map(String)).toEqual(['first review', 'second review']);
    w.reply('two');
    await expect(second).resolves.toMatchObject({ message: 'two' });
    await worker.close();
  });

  it('skips a queued review whose client has gone, without sending it to the worker', async () => {
    const { worker, started } = pool();
    const first = worker.decide(Buffer.from('first review'));
    let gone = false;
    const abandoned = worker.decide(Buffer.from('abandoned review'), () => gone);
    const third = worker.decide(Buffer.from('third review'));
    await tick();
    gone = true;
    const w = started[0] as FakeWorker;
    w.reply('one');
    await expect(first).resolves.toMatchObject({ message: 'one' });
    await expect(abandoned).rejects.toMatchObject({ code: ABANDONED });
    expect(w.received.map(String)).toEqual(['first review', 'third review']);
    w.reply('three');
    await expect(third).resolves.toMatchObject({ message: 'three' });
    await worker.close();
  });

  it('gives up on a review past its time, replaces the worker, and serves the next one', async () => {
    const { worker, started } = pool(50);
    const stuck = worker.decide(Buffer.from('never answered'));
    const next = worker.decide(Buffer.from('next review'));
    await expect(stuck).rejects.toBeInstanceOf(ReviewWorkerError);
    expect((started[0] as FakeWorker).terminated).toBe(true);
    await tick();
    const replacement = started[1] as FakeWorker;
    expect(replacement.received.map(String)).toEqual(['next review']);
    replacement.reply('fresh');
    await expect(next).resolves.toMatchObject({ message: 'fresh' });
    await worker.close();
  });

  it('answers the review in hand with an error when the worker dies (out of memory), and starts another', async () => {
    const { worker, started } = pool();
    const lost = worker.decide(Buffer.from('huge review'));
    await tick();
    (started[0] as FakeWorker).emit('error', new Error('ERR_WORKER_OUT_OF_MEMORY'));
    await expect(lost).rejects.toBeInstanceOf(ReviewWorkerError);
    const again = worker.decide(Buffer.from('after'));
    await tick();
    (started[1] as FakeWorker).reply('ok');
    await expect(again).resolves.toMatchObject({ message: 'ok' });
    await worker.close();
    await expect(worker.decide(Buffer.from('late'))).rejects.toBeInstanceOf(ReviewWorkerError);
  });
});

describe('serveReviews (worker side)', () => {
  it('decides each posted review with the admit function and posts the outcome back', async () => {
    const { port1, port2 } = new MessageChannel();
    serveReviews(port2, () => ({ allowed: true, reason: 'no-annotation', injection: 'none', patch: [], warnings: [] }));
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u1', namespace: 'team', object: {} },
    };
    const reply = new Promise<unknown>((resolve) => port1.once('message', resolve));
    port1.postMessage(Buffer.from(JSON.stringify(review)));
    const answer = (await reply) as {
      ok: boolean;
      outcome: { kind: string; uid: string; response: { bytes: Uint8Array } };
    };
    expect([answer.ok, answer.outcome.kind, answer.outcome.uid]).toEqual([true, 'decided', 'u1']);
    expect(JSON.parse(Buffer.from(answer.outcome.response.bytes).toString())).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u1', allowed: true },
    });
    port1.close();
  });
});
