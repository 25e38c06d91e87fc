import * as zlib from 'zlib';
import type { PartitionLog, PartitionLogConfig } from '../../../src/ports/partition-log';
import { MemoryPartitionLog } from '../../fakes/memory-partition-log';
import { buildRecordBatch, type BatchSpec } from '../../../src/adapters/kafka/record-batch/batch-builder';
import { Attribute, BATCH_HEADER_SIZE, BatchOffset, Compression } from '../../../src/adapters/kafka/record-batch/batch-header';
import { rewriteCrc } from '../../../src/adapters/kafka/record-batch/batch-rewrite';
import { decodeRawRecords } from '../../../src/adapters/kafka/record-batch/batch-records';
import { batchPositions } from '../../../src/adapters/kafka/record-batch/record-reader';
import { deleteHorizonOf } from '../../../src/adapters/kafka/record-batch/batch-filter';

/*
 * Issue 13 log cleaner rules, one per test, on the memory log (the file log runs the same cleaner
 * code; the property test and the crash test cover its files).
 */

const throttle = { acquire: () => Promise.resolve() };
const base: Partial<PartitionLogConfig> = { segmentBytes: 1, cleanupCompact: true, cleanupDelete: false, minCleanableDirtyRatio: 0, deleteRetentionMs: 1000 };
const ctx = (nowMs: number) => ({ nowMs, throttle, firstUnstableOffset: null });

const put = (log: PartitionLog, spec: BatchSpec): Promise<bigint> =>
  log.append(buildRecordBatch(spec), { recordCount: spec.records.length, maxTimestamp: spec.records.reduce((m, r) => (r.timestamp ?? spec.baseTimestamp ?? 0n) > m ? (r.timestamp ?? spec.baseTimestamp ?? 0n) : m, -1n) });

const marker = (pid: bigint, commit: boolean): BatchSpec => ({
  producerId: pid, producerEpoch: 0, transactional: true, control: true,
  records: [{ key: Buffer.from([0, 0, 0, commit ? 1 : 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }],
});

interface Seen { offset: bigint; key: string | null; value: string | null; control: boolean; attrs: number; batchBase: bigint; baseTimestamp: bigint; timestamp: bigint }

/** Every batch's records (empty batches too, as one entry with key null) from the log start. */
const dump = async (log: PartitionLog): Promise<Seen[]> => {
  const out: Seen[] = [];
  const buf = await readEverything(log);
  for (const { position, size } of batchPositions(buf)) {
    const b = buf.subarray(position, position + size);
    const batchBase = b.readBigInt64BE(0);
    const attrs = b.readInt16BE(BatchOffset.attributes);
    const baseTimestamp = b.readBigInt64BE(BatchOffset.baseTimestamp);
    for (const r of decodeRawRecords(b) ?? []) {
      out.push({
        offset: batchBase + BigInt(r.offsetDelta), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null,
        control: (attrs & Attribute.control) !== 0, attrs, batchBase, baseTimestamp, timestamp: baseTimestamp + r.timestampDelta,
      });
    }
  }
  return out;
};

const readEverything = async (log: PartitionLog): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for (let o = log.logStartOffset(); o < log.logEndOffset(); ) {
    const buf = await log.read(o, 1 << 20);
    if (buf.length === 0) break;
    parts.push(buf);
    const ps = batchPositions(buf);
    const last = ps[ps.length - 1].position;
    o = buf.readBigInt64BE(last) + BigInt(buf.readInt32BE(last + BatchOffset.lastOffsetDelta)) + 1n;
  }
  return Buffer.concat(parts);
};

const gzipped = (spec: BatchSpec): Buffer => {
  const plain = buildRecordBatch(spec);
  const records = zlib.gzipSync(plain.subarray(BATCH_HEADER_SIZE));
  const out = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), records]);
  out.writeInt32BE(out.length - 12, BatchOffset.batchLength);
  out.writeInt16BE(out.readInt16BE(BatchOffset.attributes) | Compression.gzip, BatchOffset.attributes);
  rewriteCrc(out, 0);
  return out;
};

describe('log cleaner (issue 13)', () => {
  test('keeps the latest record per key, offsets unchanged, and removes keyless records', async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { records: [{ key: 'a', value: '1' }, { key: 'b', value: '1' }, { key: null, value: 'x' }] });
    await put(log, { records: [{ key: 'a', value: '2' }] });
    await put(log, { records: [{ key: 'c', value: '1' }] });
    const r = await log.compact(ctx(0));
    expect(r?.recordsRemoved).toBe(2);
    expect((await dump(log)).map((s) => [s.offset, s.key, s.value])).toEqual([[1n, 'b', '1'], [3n, 'a', '2'], [4n, 'c', '1']]);
    expect(log.logEndOffset()).toBe(5n);
  });

  test('a tombstone is stamped with a delete horizon (KIP-534) and removed only once it has passed', async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { baseTimestamp: 100n, records: [{ key: 'a', value: '1', timestamp: 100n }] });
    await put(log, { baseTimestamp: 200n, records: [{ key: 'a', value: null, timestamp: 200n }] });
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    await log.compact(ctx(5000));
    const first = await dump(log);
    expect(first.map((s) => [s.offset, s.key, s.value])).toEqual([[1n, 'a', null], [2n, 'z', 'active']]);
    expect(first[0].attrs & Attribute.deleteHorizon).toBe(Attribute.deleteHorizon);
    expect(first[0].baseTimestamp).toBe(6000n);
    // The record's own timestamp survives the re-based delta.
    expect(first[0].timestamp).toBe(200n);
    expect(await log.compact(ctx(5999))).toBeNull();
    await log.compact(ctx(6000));
    expect((await dump(log)).map((s) => s.offset)).toEqual([2n]);
  });

  test('min.compaction.lag.ms leaves young segments alone; max.compaction.lag.ms forces a pass below the dirty ratio', async () => {
    const log = new MemoryPartitionLog({ ...base, minCompactionLagMs: 1000 });
    await put(log, { baseTimestamp: 10_000n, records: [{ key: 'a', value: '1' }] });
    await put(log, { baseTimestamp: 10_000n, records: [{ key: 'a', value: '2' }] });
    await put(log, { baseTimestamp: 10_000n, records: [{ key: 'z', value: 'active' }] });
    expect(await log.compact(ctx(10_500))).toBeNull();
    expect((await log.compact(ctx(11_001)))?.recordsRemoved).toBe(1);

    const lag = new MemoryPartitionLog({ ...base, minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 5000 });
    await put(lag, { baseTimestamp: 1000n, records: [{ key: 'a', value: '1' }] });
    await put(lag, { baseTimestamp: 1000n, records: [{ key: 'a', value: '2' }] });
    await put(lag, { baseTimestamp: 1000n, records: [{ key: 'z', value: 'active' }] });
    // First pass: every byte is dirty (ratio 1) — clean it, then add a little dirt.
    await lag.compact(ctx(1000));
    await lag.reconfigure({ segmentBytes: 1 });
    await put(lag, { baseTimestamp: 1000n, records: [{ key: 'a', value: '3' }] });
    await put(lag, { baseTimestamp: 1000n, records: [{ key: 'y', value: 'active' }] });
    expect(await lag.compact(ctx(2000))).toBeNull();
    expect(await lag.compact(ctx(6001))).not.toBeNull();
  });

  test('aborted transactions are removed, committed ones take part, markers are kept', async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { records: [{ key: 'a', value: 'plain' }] });
    await put(log, { producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{ key: 'a', value: 'aborted' }] });
    await put(log, marker(7n, false));
    await put(log, { producerId: 8n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{ key: 'b', value: 'committed' }] });
    await put(log, marker(8n, true));
    await put(log, { producerId: 7n, producerEpoch: 0, baseSequence: 1, transactional: true, records: [{ key: 'a', value: 'committed-later' }] });
    await put(log, marker(7n, true));
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    await log.compact(ctx(0));
    const seen = await dump(log);
    expect(seen.filter((s) => !s.control).map((s) => [s.key, s.value])).toEqual([['b', 'committed'], ['a', 'committed-later'], ['z', 'active']]);
    expect(seen.filter((s) => s.control).map((s) => s.offset)).toEqual([2n, 4n, 6n]);
  });

  test('an undecided transaction is kept whole and protects the tombstones after it', async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { records: [{ key: 'a', value: 'old' }] });
    await put(log, { producerId: 9n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{ key: 'a', value: 'open' }, { key: 'a', value: 'open2' }] });
    await put(log, { records: [{ key: 'a', value: null }] });
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    await log.compact(ctx(0));
    await log.compact(ctx(10_000));
    expect((await dump(log)).map((s) => [s.offset, s.value])).toEqual([[1n, 'open'], [2n, 'open2'], [3n, null], [4n, 'active']]);
  });

  test('gzip batches are cleaned and written back gzip; a codec the broker cannot read is kept whole and protects later tombstones', async () => {
    const log = new MemoryPartitionLog(base);
    const g = gzipped({ records: [{ key: 'a', value: '1' }, { key: 'b', value: '1' }] });
    await log.append(g, { recordCount: 2, maxTimestamp: 0n });
    await put(log, { records: [{ key: 'a', value: '2' }] });
    const snappy = buildRecordBatch({ compression: Compression.snappy, records: [{ key: 'c', value: 'x' }] });
    await log.append(snappy, { recordCount: 1, maxTimestamp: 0n });
    await put(log, { records: [{ key: 'c', value: null }] });
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    await log.compact(ctx(0));
    await log.compact(ctx(10_000));
    const all = await readEverything(log);
    const batches = batchPositions(all).map(({ position, size }) => all.subarray(position, position + size));
    expect(batches[0].readInt16BE(BatchOffset.attributes) & Attribute.compressionMask).toBe(Compression.gzip);
    expect(decodeRawRecords(batches[0])!.map((r) => r.key!.toString())).toEqual(['b']);
    expect(batches.map((b) => b.readBigInt64BE(0))).toEqual([0n, 2n, 3n, 4n, 5n]);
    expect(deleteHorizonOf(batches[3])).toBe(1000n);
  });

  test("an idempotent producer's last batch is kept empty (RETAIN_EMPTY) so its sequence survives", async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { producerId: 3n, producerEpoch: 1, baseSequence: 0, records: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] });
    await put(log, { producerId: 3n, producerEpoch: 1, baseSequence: 2, records: [{ key: 'a', value: '3' }, { key: 'b', value: '1' }] });
    await put(log, { records: [{ key: 'a', value: '4' }, { key: 'b', value: '2' }] });
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    await log.compact(ctx(0));
    const all = await readEverything(log);
    const batches = batchPositions(all).map(({ position, size }) => all.subarray(position, position + size));
    expect(batches.map((b) => [b.readBigInt64BE(0), b.readInt32BE(BatchOffset.recordsCount)])).toEqual([[2n, 0], [4n, 2], [6n, 1]]);
    expect(batches[0].readInt32BE(BatchOffset.lastOffsetDelta)).toBe(1);
    expect(batches[0].readInt32BE(BatchOffset.baseSequence)).toBe(2);
  });

  test('the cleaner stops before the first unstable offset (an open transaction, issue 16)', async () => {
    const log = new MemoryPartitionLog(base);
    await put(log, { records: [{ key: 'a', value: '1' }] });
    await put(log, { records: [{ key: 'a', value: '2' }] });
    await put(log, { records: [{ key: 'a', value: '3' }] });
    await put(log, { records: [{ key: 'z', value: 'active' }] });
    expect((await log.compact({ ...ctx(0), firstUnstableOffset: 2n }))?.cleanedUpTo).toBe(2n);
    expect((await dump(log)).map((s) => s.offset)).toEqual([1n, 2n, 3n]);
  });
});
