import * as E from 'fp-ts/Either';
import * as fc from 'fast-check';
import { ErrorCode } from '../../../src/domain/error-code';
import { decideProducerAppend, ProducerBatchInfo } from '../../../src/domain/producer/decide-producer-append';
import {
  evolveProducer,
  expireProducers,
  initialProducerStates,
  ProducerStates,
} from '../../../src/domain/producer/producer-state';
import { incrementSequence, MAX_SEQUENCE } from '../../../src/domain/producer/sequence';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 1_000_000;

/** Decides and, when appended, folds the batch at `nextOffset`; returns the new state and the answer. */
const produce = (states: ProducerStates, b: ProducerBatchInfo, nextOffset: bigint, now = 0n) => {
  const d = decideProducerAppend(states, b);
  if (E.isLeft(d)) return { states, answer: { error: d.left.code } as const, appended: 0 };
  if (d.right.kind === 'duplicate') return { states, answer: { offset: d.right.firstOffset } as const, appended: 0 };
  if (d.right.kind === 'notIdempotent') return { states, answer: { offset: nextOffset } as const, appended: b.recordCount };
  const next = evolveProducer(states, {
    producerId: b.producerId, producerEpoch: b.producerEpoch, firstSeq: d.right.firstSeq, lastSeq: d.right.lastSeq,
    firstOffset: nextOffset, lastOffset: nextOffset + BigInt(b.recordCount - 1), timestamp: now,
  });
  return { states: next, answer: { offset: nextOffset } as const, appended: b.recordCount };
};

const batch = (baseSequence: number, recordCount = 1, producerEpoch = 0, producerId = 42n): ProducerBatchInfo => ({
  producerId, producerEpoch, baseSequence, recordCount,
});

describe('idempotent producer decisions (Kafka 3.x)', () => {
  test('in-sequence batches are appended', () => {
    let s = initialProducerStates;
    let off = 0n;
    for (const seq of [0, 3, 4]) {
      const r = produce(s, batch(seq, seq === 0 ? 3 : 1), off);
      expect(r.answer).toEqual({ offset: off });
      s = r.states;
      off += BigInt(r.appended);
    }
    expect(s.get(42n)?.batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[0, 2], [3, 3], [4, 4]]);
  });

  test('a retried batch is a duplicate answered with its original base offset, not appended again', () => {
    let s = produce(initialProducerStates, batch(0, 2), 100n).states;
    s = produce(s, batch(2, 2), 102n).states;
    const d = decideProducerAppend(s, batch(0, 2));
    expect(d).toEqual(E.right({ kind: 'duplicate', firstOffset: 100n, lastOffset: 101n }));
    expect(decideProducerAppend(s, batch(2, 2))).toEqual(E.right({ kind: 'duplicate', firstOffset: 102n, lastOffset: 103n }));
  });

  test('only the last 5 batches are remembered; an older retry is OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    let s = initialProducerStates;
    for (let i = 0; i < 6; i++) s = produce(s, batch(i), BigInt(i)).states;
    expect(s.get(42n)?.batches).toHaveLength(5);
    expect(decideProducerAppend(s, batch(1))).toEqual(E.right({ kind: 'duplicate', firstOffset: 1n, lastOffset: 1n }));
    const old = decideProducerAppend(s, batch(0));
    expect(E.isLeft(old) && old.left.code).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  test('a gap in sequence is OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const s = produce(initialProducerStates, batch(0, 2), 0n).states;
    const r = decideProducerAppend(s, batch(3));
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  test('KIP-98 a lower epoch is fenced: INVALID_PRODUCER_EPOCH', () => {
    const s = produce(initialProducerStates, batch(0, 1, 3), 0n).states;
    const r = decideProducerAppend(s, batch(1, 1, 2));
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  test('a new epoch must start at sequence 0, then replaces the window', () => {
    const s = produce(initialProducerStates, batch(0, 5, 0), 0n).states;
    const bad = decideProducerAppend(s, batch(5, 1, 1));
    expect(E.isLeft(bad) && bad.left.code).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const bumped = produce(s, batch(0, 1, 1), 5n).states;
    expect(bumped.get(42n)).toMatchObject({ epoch: 1, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 5n }] });
  });

  test('KIP-360 an unknown producer is accepted at any sequence (Kafka 3.x, not 2.x UNKNOWN_PRODUCER_ID)', () => {
    expect(decideProducerAppend(initialProducerStates, batch(17, 2))).toEqual(E.right({ kind: 'append', firstSeq: 17, lastSeq: 18 }));
  });

  test('non-idempotent batches (producerId -1) bypass every check', () => {
    expect(decideProducerAppend(initialProducerStates, { producerId: -1n, producerEpoch: -1, baseSequence: -1, recordCount: 3 }))
      .toEqual(E.right({ kind: 'notIdempotent' }));
  });

  test('LogValidator: a batch with a producer id but no sequence is INVALID_RECORD', () => {
    const r = decideProducerAppend(initialProducerStates, batch(-1));
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.INVALID_RECORD);
  });

  test('sequences wrap from Integer.MAX_VALUE to 0', () => {
    expect(incrementSequence(MAX_SEQUENCE - 1, 3)).toBe(1);
    const s = produce(initialProducerStates, batch(MAX_SEQUENCE - 1, 2), 0n).states;
    expect(s.get(42n)?.batches[0].lastSeq).toBe(MAX_SEQUENCE);
    expect(decideProducerAppend(s, batch(0))).toEqual(E.right({ kind: 'append', firstSeq: 0, lastSeq: 0 }));
  });

  test('producers are tracked independently and expire after producer.id.expiration.ms', () => {
    let s = produce(initialProducerStates, batch(0, 1, 0, 1n), 0n, 100n).states;
    s = produce(s, batch(0, 1, 0, 2n), 1n, 5_000n).states;
    const kept = expireProducers(s, 10_000n, 8_000n);
    expect([...kept.keys()]).toEqual([2n]);
  });

  test('retries of in-flight batches never append twice (5 in flight, random retries)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 60 }), (retries) => {
        let s = initialProducerStates;
        let end = 0n;
        const firstOffsetOf = new Map<number, bigint>();
        let nextSeq = 0;
        for (const back of retries) {
          // Send the next batch, then retry one of the last five sent.
          const r = produce(s, batch(nextSeq, 2), end);
          expect(r.answer).toEqual({ offset: end });
          firstOffsetOf.set(nextSeq, end);
          s = r.states;
          end += BigInt(r.appended);
          nextSeq += 2;
          const retrySeq = Math.max(0, nextSeq - 2 - 2 * back);
          const retry = produce(s, batch(retrySeq, 2), end);
          expect(retry.appended).toBe(0);
          expect(retry.answer).toEqual({ offset: firstOffsetOf.get(retrySeq) });
        }
        expect(end).toBe(BigInt(2 * retries.length));
      }),
      { seed, numRuns: 200 },
    );
  });
});

// eslint-disable-next-line no-console
console.log(`producer seed: ${seed}`);
