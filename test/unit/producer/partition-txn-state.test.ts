import * as E from 'fp-ts/Either';
import { AppendNotifier } from '../../../src/application/append-notifier';
import { PartitionWriter } from '../../../src/application/partition-writer';
import { buildRecordBatch } from '../../../src/adapters/kafka/record-batch/batch-builder';
import { ErrorCode } from '../../../src/domain/error-code';
import { summarizeBatches } from '../../../src/domain/producer/batch-summary';
import { MemoryPartitionLog } from '../../fakes/memory-partition-log';

const data = (pid: bigint, epoch: number, seq: number, n: number, transactional: boolean) => {
  const records = buildRecordBatch({ producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional, records: Array.from({ length: n }, (_, i) => ({ value: `v${seq + i}` })) });
  return { records, recordCount: n, maxTimestamp: 0n, producerId: pid, producerEpoch: epoch, baseSequence: seq, isTransactional: transactional };
};

const marker = (pid: bigint, epoch: number, commit: boolean) => ({
  records: buildRecordBatch({ producerId: pid, producerEpoch: epoch, baseSequence: -1, transactional: true, control: true, records: [{ key: Buffer.from([0, 0, 0, commit ? 1 : 0]), value: Buffer.alloc(6) }] }),
  producerId: pid,
  producerEpoch: epoch,
  commit,
  timestamp: 5n,
});

const setup = () => ({ writer: new PartitionWriter(new AppendNotifier(), () => 1000), log: new MemoryPartitionLog() });

describe('partition producer state with transactions (MK-10…MK-12, PS-9, PS-30…PS-32, PS-40)', () => {
  it('TT-32 MK-11: an open transaction holds the LSO at its first offset until its marker is durable', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(-1n, -1, -1, 2, false)); // offsets 0-1
    await writer.append('t', 0, log, data(7n, 0, 0, 3, true)); // 2-4
    await writer.append('t', 0, log, data(-1n, -1, -1, 1, false)); // 5
    expect(await writer.lastStableOffset('t', 0, log)).toBe(2n);
    expect(writer.firstUnstableOffset('t', 0)).toBe(2n);
    await writer.appendMarker('t', 0, log, marker(7n, 0, true)); // 6
    expect(await writer.lastStableOffset('t', 0, log)).toBe(7n);
    expect(await writer.abortedTransactions('t', 0, log, 0n, 7n)).toEqual([]);
  });

  it('MK-12 MK-20: an abort enters the aborted index with its range; the index answers overlapping fetch ranges', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 3, true)); // 0-2
    await writer.append('t', 0, log, data(8n, 0, 0, 1, true)); // 3
    await writer.appendMarker('t', 0, log, marker(7n, 0, false)); // 4
    expect(await writer.abortedTransactions('t', 0, log, 0n, 5n)).toEqual([{ producerId: 7n, firstOffset: 0n, lastOffset: 4n, lastStableOffset: 3n }]);
    expect(await writer.abortedTransactions('t', 0, log, 5n, 9n)).toEqual([]);
    expect(await writer.lastStableOffset('t', 0, log)).toBe(3n);
  });

  it('TT-31 PS-9: a non-transactional batch from a producer with an open transaction → INVALID_TXN_STATE', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 1, true));
    const r = await writer.append('t', 0, log, data(7n, 0, 1, 1, false));
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('TT-30 PS-30 PS-32: a fencing marker (higher epoch) fences the old epoch; an older marker is INVALID_PRODUCER_EPOCH', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 1, true));
    expect(E.isRight(await writer.appendMarker('t', 0, log, marker(7n, 1, false)))).toBe(true);
    const stale = await writer.append('t', 0, log, data(7n, 0, 1, 1, true));
    expect(E.isLeft(stale) && stale.left.code).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const old = await writer.appendMarker('t', 0, log, marker(7n, 0, true));
    expect(E.isLeft(old) && old.left.code).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // TX-88: the same marker re-sent only appends an empty control batch.
    expect(E.isRight(await writer.appendMarker('t', 0, log, marker(7n, 1, false)))).toBe(true);
    expect(await writer.lastStableOffset('t', 0, log)).toBe(log.logEndOffset());
  });

  it('PS-40 PS-41: a restarted writer rebuilds producer state, open transactions and the aborted index from the log', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 2, true)); // 0-1
    await writer.appendMarker('t', 0, log, marker(7n, 0, false)); // 2
    await writer.append('t', 0, log, data(9n, 3, 0, 2, false)); // 3-4 idempotent
    await writer.append('t', 0, log, data(7n, 0, 2, 1, true)); // 5 open
    const fresh = new PartitionWriter(new AppendNotifier(), () => 1000);
    expect(await fresh.lastStableOffset('t', 0, log)).toBe(5n);
    expect(await fresh.abortedTransactions('t', 0, log, 0n, 6n)).toEqual(await writer.abortedTransactions('t', 0, log, 0n, 6n));
    expect(await fresh.producerState('t', 0, log)).toEqual(await writer.producerState('t', 0, log));
    // An idempotent retry across the restart is recognised as a duplicate (no new offset).
    const dup = await fresh.append('t', 0, log, data(9n, 3, 0, 2, false));
    expect(E.isRight(dup) && dup.right.baseOffset).toBe(3n);
    expect(log.logEndOffset()).toBe(6n);
  });

  it('MK-1: a marker batch is a control+transactional batch with the COMMIT/ABORT type in its key', () => {
    const [b] = summarizeBatches(marker(7n, 2, true).records);
    expect(b).toMatchObject({ isControl: true, isTransactional: true, controlType: 1, producerId: 7n, producerEpoch: 2, baseSequence: -1, recordCount: 1 });
    expect(summarizeBatches(marker(7n, 2, false).records)[0]!.controlType).toBe(0);
  });
});

describe('producer expiry (PS-10)', () => {
  it('TT-33 PS-10: idle producers expire; producers with an open transaction never do', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 1, false));
    await writer.append('t', 0, log, data(8n, 0, 0, 1, true));
    writer.expireProducers(86_400_001, 86_400_000);
    const state = await writer.producerState('t', 0, log);
    expect([...state.producers.keys()]).toEqual([8n]);
    // An expired producer is unknown again: accepted at any sequence (PS-6).
    expect(E.isRight(await writer.append('t', 0, log, data(7n, 0, 42, 1, false)))).toBe(true);
  });
});

describe('producer snapshots (PS-40, TT-34)', () => {
  it('TT-34 PS-40: state rebuilt from the newest snapshot plus the log tail equals the live state; a damaged snapshot falls back to the whole log', async () => {
    const log = new MemoryPartitionLog();
    const writer = new PartitionWriter(new AppendNotifier(), () => 1000, 3);
    await writer.append('t', 0, log, data(7n, 0, 0, 2, true));
    await writer.appendMarker('t', 0, log, marker(7n, 0, false));
    await writer.append('t', 0, log, data(9n, 1, 0, 1, false)); // third batch: a snapshot at offset 4
    await new Promise((r) => setImmediate(r));
    const snap = await log.readProducerSnapshot(100n);
    expect(snap?.offset).toBe(4n);
    await writer.append('t', 0, log, data(7n, 0, 2, 1, true)); // tail: an open transaction at 4
    const live = await writer.producerState('t', 0, log);
    const read = jest.spyOn(log, 'read');
    const fresh = new PartitionWriter(new AppendNotifier(), () => 1000);
    expect(await fresh.producerState('t', 0, log)).toEqual(live);
    expect(read.mock.calls.map((c) => c[0])).toEqual([4n]); // only the tail was scanned
    expect(await fresh.lastStableOffset('t', 0, log)).toBe(4n);
    // A damaged snapshot (not this shape) is ignored: the whole log is folded instead.
    await log.writeProducerSnapshot(5n, Uint8Array.from([123, 1, 2]));
    const again = new PartitionWriter(new AppendNotifier(), () => 1000);
    expect(await again.producerState('t', 0, log)).toEqual(live);
  });

  it('PS-40: snapshotAll at a clean close covers the whole log', async () => {
    const { writer, log } = setup();
    await writer.append('t', 0, log, data(7n, 0, 0, 2, false));
    await writer.snapshotAll();
    expect((await log.readProducerSnapshot(100n))?.offset).toBe(2n);
  });
});
