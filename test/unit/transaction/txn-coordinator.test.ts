import { ErrorCode } from '../../../src/domain/error-code';
import { groupShard, OFFSETS_TOPIC } from '../../../src/domain/transaction/txn-metadata';
import { evolveTxn, txnSnapshotEvents } from '../../../src/domain/transaction/evolve-txn';
import { initialTxnCoordinatorState } from '../../../src/domain/transaction/txn-metadata';
import { isTxnEvent, type TxnEvent } from '../../../src/domain/transaction/events';
import { settle, TxnHarness } from './txn-harness';

const tp = (topic: string, partition = 0) => ({ topic, partition });

describe('transaction coordinator: InitProducerId (TX-40…TX-48)', () => {
  it('TT-1 TX-41 TX-43: idempotent producers get fresh ids from a durable block; a new txn id starts at epoch 0', async () => {
    const h = new TxnHarness();
    const a = await h.coordinator.initProducerId(null, 60000, -1n, -1);
    const b = await h.coordinator.initProducerId(null, 60000, -1n, -1);
    expect(a).toEqual({ errorCode: 0, producerId: 0n, producerEpoch: 0 });
    expect(b.producerId).toBe(1n);
    expect(h.log.durableEvents()[0]).toEqual({ type: 'ProducerIdBlockAllocated', firstProducerId: 0n, size: 1000 });
    const t = await h.init('tx');
    expect(t).toEqual({ errorCode: 0, producerId: 2n, producerEpoch: 0 });
    expect(h.state('tx')).toBe('Empty');
  });

  it('EV-2: after a restart producer ids continue after the last durable block (never reused)', async () => {
    const h = new TxnHarness();
    await h.coordinator.initProducerId(null, 60000, -1n, -1);
    const r = await h.restart();
    expect((await r.coordinator.initProducerId(null, 60000, -1n, -1)).producerId).toBe(1000n);
  });

  it('TT-2 TX-42: empty txn id → INVALID_REQUEST; timeout ≤ 0 or above the max → INVALID_TRANSACTION_TIMEOUT', async () => {
    const h = new TxnHarness(undefined, undefined, { maxTimeoutMs: 1000 });
    expect((await h.init('')).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await h.init('tx', 0)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.init('tx', 1001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(h.coordinator.txn('tx')).toBeUndefined();
  });

  it('TT-3 TX-42: requests while loading → COORDINATOR_LOAD_IN_PROGRESS', async () => {
    const h = new TxnHarness(undefined, undefined, {}, false);
    expect((await h.init('tx')).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(await h.coordinator.endTxn({ txnId: 'tx', producerId: 0n, producerEpoch: 0 }, true)).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  });

  it('TT-4 TX-21 TX-46: re-init of an Empty/Complete txn bumps the epoch; KIP-360 current epoch and retry', async () => {
    const h = new TxnHarness();
    const first = await h.init('tx');
    const second = await h.init('tx');
    expect(second).toEqual({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
    const kip360 = await h.init('tx', 60000, first.producerId, 1);
    expect(kip360.producerEpoch).toBe(2);
    // The same call retried (its answer was lost): lastProducerEpoch = 1 → the current epoch again.
    expect((await h.init('tx', 60000, first.producerId, 1)).producerEpoch).toBe(2);
    // A stale epoch that is neither current nor last → PRODUCER_FENCED.
    expect((await h.init('tx', 60000, first.producerId, 0)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    // TT-8: a different pid → PRODUCER_FENCED.
    expect((await h.init('tx', 60000, 999n, 2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('EV-5: lastProducerEpoch is lost at a restart: the KIP-360 retry spanning it is fenced', async () => {
    const h = new TxnHarness();
    const first = await h.init('tx');
    await h.init('tx', 60000, first.producerId, 0);
    const r = await h.restart();
    expect((await r.init('tx', 60000, first.producerId, 0)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await r.init('tx', 60000, first.producerId, 1)).producerEpoch).toBe(2);
  });

  it('TT-9 TX-45: an exhausted epoch rotates to a fresh producer id at epoch 0', async () => {
    const h = new TxnHarness();
    const first = await h.init('tx');
    await h.coordinator.write([{ type: 'TxnProducerInitialized', txnId: 'tx', producerId: first.producerId, previousProducerId: -1n, producerEpoch: 32766, lastProducerEpoch: -1, timeoutMs: 60000, at: 0 }]);
    const rotated = await h.init('tx', 60000, first.producerId, 32766);
    expect(rotated.errorCode).toBe(0);
    expect(rotated.producerId).not.toBe(first.producerId);
    expect(rotated.producerEpoch).toBe(0);
    expect(h.coordinator.txn('tx')!.previousProducerId).toBe(first.producerId);
  });

  it('TT-5 TX-44: PrepareCommit/PrepareAbort answer CONCURRENT_TRANSACTIONS until complete', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    const id = { txnId: 'tx', producerId: p.producerId, producerEpoch: 0 };
    await h.coordinator.addPartitions(id, [tp('a')]);
    h.markerResult = 'retry';
    expect(await h.coordinator.endTxn(id, true)).toBe(0);
    expect((await h.init('tx')).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.coordinator.addPartitions(id, [tp('b')])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    h.markerResult = 'written';
    h.clock.advance(200);
    await settle();
    expect(h.state('tx')).toBe('CompleteCommit');
    expect((await h.init('tx')).producerEpoch).toBe(1);
  });

  it('TT-6 TX-44 TX-52: InitProducerId during an ongoing txn fences it (abort with epoch+1), the retry bumps again: old+2', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    await h.coordinator.addPartitions({ txnId: 'tx', producerId: p.producerId, producerEpoch: 0 }, [tp('a')]);
    expect((await h.init('tx')).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await settle();
    expect(h.markers).toEqual([{ topic: 'a', partition: 0, producerId: p.producerId, producerEpoch: 1, commit: false }]);
    expect(h.state('tx')).toBe('CompleteAbort');
    expect(await h.init('tx')).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 2 });
  });
});

describe('transaction coordinator: AddPartitions / AddOffsets / EndTxn (TX-51…TX-58)', () => {
  const setup = async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    return { h, id: { txnId: 'tx', producerId: p.producerId, producerEpoch: p.producerEpoch } };
  };

  it('TT-11 TX-51: unknown txn id or another pid → INVALID_PRODUCER_ID_MAPPING; another epoch → PRODUCER_FENCED; nothing written', async () => {
    const { h, id } = await setup();
    const before = h.log.durableEvents().length;
    expect(await h.coordinator.addPartitions({ ...id, txnId: 'nope' }, [tp('a')])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.coordinator.addPartitions({ ...id, producerId: id.producerId + 7n }, [tp('a')])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.coordinator.addPartitions({ ...id, producerEpoch: 5 }, [tp('a')])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.endTxn({ ...id, producerEpoch: 5 }, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.endTxn({ ...id, txnId: 'nope' }, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.log.durableEvents().length).toBe(before);
    expect(h.state('tx')).toBe('Empty');
  });

  it('TT-13 TX-22 TX-23: partitions start a transaction, more are added, the same again writes nothing', async () => {
    const { h, id } = await setup();
    expect(await h.coordinator.addPartitions(id, [tp('a'), tp('a')])).toBe(0);
    const t0 = h.coordinator.txn('tx')!;
    expect(t0.state).toBe('Ongoing');
    expect(t0.startTs).toBe(h.clock.now());
    h.clock.advance(10);
    expect(await h.coordinator.addPartitions(id, [tp('b', 1)])).toBe(0);
    expect(h.coordinator.txn('tx')!.partitions).toEqual([tp('a'), tp('b', 1)]);
    expect(h.coordinator.txn('tx')!.startTs).toBe(t0.startTs);
    const n = h.log.durableEvents().length;
    expect(await h.coordinator.addPartitions(id, [tp('a')])).toBe(0);
    expect(h.log.durableEvents().length).toBe(n);
  });

  it('TX-53: AddOffsetsToTxn adds the group\'s __consumer_offsets shard (abs(hashCode) % 50)', async () => {
    const { h, id } = await setup();
    expect(await h.coordinator.addOffsets(id, 'my-group')).toBe(0);
    expect(h.coordinator.txn('tx')!.partitions).toEqual([tp(OFFSETS_TOPIC, groupShard('my-group'))]);
    expect(groupShard("my-group")).toBe(12); // Java: "my-group".hashCode() = -1906497762
  });

  it('TT-17 TX-55: the EndTxn state table', async () => {
    const { h, id } = await setup();
    expect(await h.coordinator.endTxn(id, true)).toBe(ErrorCode.INVALID_TXN_STATE); // Empty (TX-58)
    await h.coordinator.addPartitions(id, [tp('a')]);
    h.markerResult = 'retry';
    expect(await h.coordinator.endTxn(id, true)).toBe(0);
    expect(h.state('tx')).toBe('PrepareCommit');
    expect(await h.coordinator.endTxn(id, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.coordinator.endTxn(id, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    h.markerResult = 'written';
    h.clock.advance(200);
    await settle();
    expect(h.state('tx')).toBe('CompleteCommit');
    expect(await h.coordinator.endTxn(id, true)).toBe(0);
    expect(await h.coordinator.endTxn(id, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    await h.coordinator.addPartitions(id, [tp('a')]);
    expect(await h.coordinator.endTxn(id, false)).toBe(0);
    await settle();
    expect(h.state('tx')).toBe('CompleteAbort');
    expect(await h.coordinator.endTxn(id, false)).toBe(0);
    expect(await h.coordinator.endTxn(id, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('TT-18 TX-56 TX-80 TX-86: commit writes a marker on every data partition, materializes offsets, then CompleteCommit', async () => {
    const { h, id } = await setup();
    await h.coordinator.addPartitions(id, [tp('a'), tp('b', 2)]);
    await h.coordinator.addOffsets(id, 'g');
    expect(await h.coordinator.txnOffsetCommit(id, 'g', [{ groupId: 'g', topic: 'in', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }], 3)).toBe(0);
    expect(h.coordinator.hasPendingOffset('g', 'in', 0)).toBe(true);
    expect(await h.coordinator.endTxn(id, true)).toBe(0);
    await settle();
    expect(h.markers.map((m) => `${m.topic}-${m.partition}:${m.commit}`)).toEqual(['a-0:true', 'b-2:true']);
    expect(h.materialized.map((o) => o.offset)).toEqual([5]);
    expect(h.coordinator.hasPendingOffset('g', 'in', 0)).toBe(false);
    const types = h.log.durableEvents().map((e) => e.type);
    expect(types.slice(-2)).toEqual(['TxnCommitPrepared', 'TxnCompleted']);
  });

  it('TO-5: an aborted transaction drops its pending offsets (never committed)', async () => {
    const { h, id } = await setup();
    await h.coordinator.addOffsets(id, 'g');
    await h.coordinator.txnOffsetCommit(id, 'g', [{ groupId: 'g', topic: 'in', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }], 3);
    await h.coordinator.endTxn(id, false);
    await settle();
    expect(h.materialized).toEqual([]);
    expect(h.coordinator.hasPendingOffsets('g')).toBe(false);
  });

  it('TO-6 TT-40: OffsetDelete drops a partition\'s pending offset, DeleteGroups all of the group\'s; a later commit writes back only what is left', async () => {
    const { h, id } = await setup();
    await h.coordinator.addOffsets(id, 'g');
    const o = (partition: number) => ({ groupId: 'g', topic: 'in', partition, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 });
    await h.coordinator.txnOffsetCommit(id, 'g', [o(0), o(1)], 3);
    await h.coordinator.dropPendingOffsets('g', [tp('in', 0)]);
    expect(h.coordinator.hasPendingOffset('g', 'in', 0)).toBe(false);
    expect(h.coordinator.hasPendingOffset('g', 'in', 1)).toBe(true);
    await h.coordinator.endTxn(id, true);
    await settle();
    expect(h.materialized.map((x) => x.partition)).toEqual([1]);
    await h.coordinator.addOffsets(id, 'g');
    await h.coordinator.txnOffsetCommit(id, 'g', [o(2)], 3);
    await h.coordinator.dropPendingOffsets('g', null);
    expect(h.coordinator.hasPendingOffsets('g')).toBe(false);
  });

  it('TO-4: TxnOffsetCommit without AddOffsetsToTxn → INVALID_TXN_STATE (v3) / TRANSACTION_ABORTABLE (v4); stale epoch → INVALID_PRODUCER_EPOCH', async () => {
    const { h, id } = await setup();
    const o = [{ groupId: 'g', topic: 'in', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }];
    expect(await h.coordinator.txnOffsetCommit(id, 'g', o, 3)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await h.coordinator.txnOffsetCommit(id, 'g', o, 4)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    await h.init('tx');
    expect(await h.coordinator.txnOffsetCommit(id, 'g', o, 3)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(h.coordinator.hasPendingOffsets('g')).toBe(false);
  });
});

describe('transaction coordinator: timeouts, expiration, recovery (TX-59, TX-60, TX-87)', () => {
  it('TT-21 TX-59: an ongoing transaction past its timeout is fenced (epoch+1) and aborted; the old producer is fenced', async () => {
    const h = new TxnHarness(undefined, undefined, { abortTimedOutIntervalMs: 1000 });
    h.timers.start();
    const p = await h.init('tx', 5000);
    const id = { txnId: 'tx', producerId: p.producerId, producerEpoch: 0 };
    await h.coordinator.addPartitions(id, [tp('a')]);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(1000);
      await settle();
    }
    expect(h.state('tx')).toBe('Ongoing');
    for (let i = 0; i < 2; i++) {
      h.clock.advance(1000);
      await settle();
    }
    expect(h.state('tx')).toBe('CompleteAbort');
    expect(h.markers).toEqual([{ topic: 'a', partition: 0, producerId: p.producerId, producerEpoch: 1, commit: false }]);
    // "commit of an expired txn": the old producer is fenced, nothing else changes.
    expect(await h.coordinator.endTxn(id, true)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(h.state('tx')).toBe('CompleteAbort');
    h.timers.stop();
  });

  it('TT-23 TX-60: idle Empty/Complete ids expire; ongoing ones never; committing an expired id is INVALID_PRODUCER_ID_MAPPING; a later init gets a new pid', async () => {
    const h = new TxnHarness(undefined, undefined, { idExpirationMs: 10000, removeExpiredIntervalMs: 1000 });
    h.timers.start();
    const a = await h.init('idle');
    const b = await h.init('busy', 900000);
    await h.coordinator.addPartitions({ txnId: 'busy', producerId: b.producerId, producerEpoch: 0 }, [tp('a')]);
    for (let i = 0; i < 12; i++) {
      h.clock.advance(1000);
      await settle();
    }
    expect(h.coordinator.txn('idle')).toBeUndefined();
    expect(h.state('busy')).toBe('Ongoing');
    // Ending a transaction of an expired id: INVALID_PRODUCER_ID_MAPPING, nothing written.
    const before = h.log.durableEvents().length;
    expect(await h.coordinator.endTxn({ txnId: 'idle', producerId: a.producerId, producerEpoch: 0 }, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.log.durableEvents().length).toBe(before);
    const again = await h.init('idle');
    expect(again.producerId).not.toBe(a.producerId);
    expect(again.producerEpoch).toBe(0);
    h.timers.stop();
  });

  it('TT-26 TX-87 TX-89: a transaction prepared before a crash completes after the restart (markers re-sent)', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    const id = { txnId: 'tx', producerId: p.producerId, producerEpoch: 0 };
    await h.coordinator.addPartitions(id, [tp('a'), tp('b')]);
    h.markerResult = 'retry'; // the broker "dies" before any marker is written
    expect(await h.coordinator.endTxn(id, true)).toBe(0);
    h.coordinator.unload();
    const r = await h.restart();
    expect(r.markers.map((m) => m.topic)).toEqual(['a', 'b']);
    expect(r.state('tx')).toBe('CompleteCommit');
    // The client's EndTxn retry after the restart gets NONE.
    expect(await r.coordinator.endTxn(id, true)).toBe(0);
  });

  it('EV-8: an open transaction in a partition that the coordinator does not know is aborted; a known one is left alone', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    await h.coordinator.addPartitions({ txnId: 'tx', producerId: p.producerId, producerEpoch: 0 }, [tp('a')]);
    const aborted = await h.completion.abortHanging('a', 0, [{ producerId: p.producerId, producerEpoch: 0 }, { producerId: 4242n, producerEpoch: 3 }]);
    expect(aborted).toEqual([4242n]);
    expect(h.markers).toEqual([{ topic: 'a', partition: 0, producerId: 4242n, producerEpoch: 3, commit: false }]);
    expect(await h.completion.abortHanging('b', 0, [{ producerId: p.producerId, producerEpoch: 0 }])).toEqual([p.producerId]);
  });

  it('EV-3 PE-9: snapshot events rebuild the same state as replaying every event', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    const id = { txnId: 'tx', producerId: p.producerId, producerEpoch: 0 };
    await h.coordinator.addPartitions(id, [tp('a')]);
    await h.coordinator.addOffsets(id, 'g');
    await h.init('other');
    const replayed = h.log.durableEvents().filter(isTxnEvent).reduce(evolveTxn, initialTxnCoordinatorState());
    const fromSnapshot = txnSnapshotEvents(replayed).reduce((s: typeof replayed, e: TxnEvent) => evolveTxn(s, e), initialTxnCoordinatorState());
    expect(fromSnapshot).toEqual(replayed);
  });

  it('TX-70: a failed MetaLog write answers NOT_COORDINATOR and applies nothing', async () => {
    const h = new TxnHarness();
    const p = await h.init('tx');
    h.log.injectFailure();
    expect(await h.coordinator.addPartitions({ txnId: 'tx', producerId: p.producerId, producerEpoch: 0 }, [tp('a')])).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.state('tx')).toBe('Empty');
    expect(h.coordinator.isPending('tx')).toBe(false);
  });
});
