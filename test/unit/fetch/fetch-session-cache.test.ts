import { FetchSessionCache, type SessionPartition } from '../../../src/application/fetch-sessions';
import { ErrorCode } from '../../../src/domain/error-code';

/* KIP-227 session cache rules (Kafka's FetchManager / FetchSessionCache), one per test. */

const part = (topic: string, partition: number, fetchOffset = 0n): SessionPartition => ({
  topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition, fetchOffset, partitionMaxBytes: 1 << 20, logStartOffset: -1n, currentLeaderEpoch: -1, lastFetchedEpoch: -1,
});
const outcomes = (ps: SessionPartition[]) => new Map(ps.map((p) => [`${p.topic}\u0000${p.partition}`, { highWatermark: 10n, logStartOffset: 0n, errorCode: 0, recordBytes: 0 }]));

const open = (cache: FetchSessionCache, ps: SessionPartition[]): number => {
  const ctx = cache.newContext({ sessionId: 0, epoch: 0 }, ps, [], false);
  if (ctx.kind !== 'full') throw new Error(ctx.kind);
  return cache.createSession(ctx, outcomes(ps));
};

describe('KIP-227 fetch session cache', () => {
  let now = 0;
  let nextId = 1;
  const cache = (slots: number) => new FetchSessionCache(slots, () => now, 120_000, () => nextId++);
  beforeEach(() => { now = 0; nextId = 1; });

  test('epoch 0 opens a session; the next request must carry epoch 1, then 2; a wrong epoch is INVALID_FETCH_SESSION_EPOCH', () => {
    const c = cache(10);
    const id = open(c, [part('t', 0), part('t', 1)]);
    expect(id).toBe(1);
    expect(c.newContext({ sessionId: id, epoch: 1 }, [], [], false).kind).toBe('incremental');
    expect(c.newContext({ sessionId: id, epoch: 1 }, [], [], false)).toEqual({ kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH });
    expect(c.newContext({ sessionId: id, epoch: 2 }, [], [], false).kind).toBe('incremental');
  });

  test('an unknown session id is FETCH_SESSION_ID_NOT_FOUND; epoch -1 closes a session and serves sessionless', () => {
    const c = cache(10);
    expect(c.newContext({ sessionId: 77, epoch: 3 }, [], [], false)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    const id = open(c, [part('t', 0)]);
    expect(c.newContext({ sessionId: id, epoch: -1 }, [part('t', 0)], [], false).kind).toBe('sessionless');
    expect(c.size).toBe(0);
  });

  test('an incremental request adds, updates and forgets partitions; the context serves the whole session', () => {
    const c = cache(10);
    const id = open(c, [part('t', 0), part('t', 1)]);
    const ctx = c.newContext({ sessionId: id, epoch: 1 }, [part('t', 1, 5n), part('u', 0)], [{ topic: 't', topicId: 'x', partition: 0 }], false);
    expect(ctx.kind === 'incremental' && ctx.partitions.map((p) => [p.topic, p.partition, p.fetchOffset])).toEqual([['t', 1, 5n], ['u', 0, 0n]]);
  });

  test('only partitions with records, a new high watermark or log start, or an error are sent back', () => {
    const c = cache(10);
    const id = open(c, [part('t', 0), part('t', 1)]);
    const ctx = c.newContext({ sessionId: id, epoch: 1 }, [], [], false);
    if (ctx.kind !== 'incremental') throw new Error(ctx.kind);
    expect(c.mustRespond(ctx, 't\u00000', { highWatermark: 10n, logStartOffset: 0n, errorCode: 0, recordBytes: 0 })).toBe(false);
    expect(c.mustRespond(ctx, 't\u00001', { highWatermark: 11n, logStartOffset: 0n, errorCode: 0, recordBytes: 0 })).toBe(true);
    expect(c.mustRespond(ctx, 't\u00001', { highWatermark: 11n, logStartOffset: 0n, errorCode: 0, recordBytes: 0 })).toBe(false);
    expect(c.mustRespond(ctx, 't\u00001', { highWatermark: 11n, logStartOffset: 3n, errorCode: 0, recordBytes: 0 })).toBe(true);
    expect(c.mustRespond(ctx, 't\u00000', { highWatermark: 10n, logStartOffset: 0n, errorCode: 0, recordBytes: 70 })).toBe(true);
    expect(c.mustRespond(ctx, 't\u00000', { highWatermark: 10n, logStartOffset: 0n, errorCode: 1, recordBytes: 0 })).toBe(true);
    expect(c.mustRespond(ctx, 't\u00000', { highWatermark: 10n, logStartOffset: 0n, errorCode: 0, recordBytes: 0 })).toBe(true);
  });

  test('a full cache gives session id 0 until a session is stale (unused for 120 s), which is then evicted', () => {
    const c = cache(2);
    open(c, [part('a', 0)]);
    now = 1000;
    const b = open(c, [part('b', 0)]);
    now = 2000;
    expect(open(c, [part('c', 0)])).toBe(0);
    now = 121_001;
    c.newContext({ sessionId: b, epoch: 1 }, [], [], false);
    expect(open(c, [part('c', 0)])).not.toBe(0);
    expect(c.newContext({ sessionId: 1, epoch: 1 }, [], [], false)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
  });

  test('a larger new session evicts the smallest session older than 120 s, never a younger one, never for an equal size', () => {
    const c = cache(2);
    const small = open(c, [part('a', 0)]);
    const big = open(c, [part('b', 0), part('b', 1), part('b', 2)]);
    now = 100_000;
    c.newContext({ sessionId: small, epoch: 1 }, [], [], false);
    c.newContext({ sessionId: big, epoch: 1 }, [], [], false);
    expect(open(c, [part('c', 0), part('c', 1)])).toBe(0);
    now = 130_000;
    c.newContext({ sessionId: small, epoch: 2 }, [], [], false);
    c.newContext({ sessionId: big, epoch: 2 }, [], [], false);
    expect(open(c, [part('d', 0)])).toBe(0);
    expect(open(c, [part('c', 0), part('c', 1)])).not.toBe(0);
    expect(c.newContext({ sessionId: small, epoch: 3 }, [], [], false)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    expect(c.newContext({ sessionId: big, epoch: 3 }, [], [], false).kind).toBe('incremental');
  });

  test('switching between topic names and topic ids inside a session is FETCH_SESSION_TOPIC_ID_ERROR; 0 slots never open one', () => {
    const c = cache(10);
    const id = open(c, [part('t', 0)]);
    expect(c.newContext({ sessionId: id, epoch: 1 }, [], [], true)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR });
    expect(open(cache(0), [part('t', 0)])).toBe(0);
  });
});
