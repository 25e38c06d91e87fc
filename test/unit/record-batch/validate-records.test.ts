import * as E from 'fp-ts/Either';
import * as fc from 'fast-check';
import { ErrorCode } from '../../../src/domain/error-code';
import { buildRecordBatch } from '../../../src/adapters/kafka/record-batch/batch-builder';
import { BatchOffset } from '../../../src/adapters/kafka/record-batch/batch-header';
import {
  rewriteBaseOffset,
  rewriteCrc,
  rewritePartitionLeaderEpoch,
  stampLogAppendTime,
} from '../../../src/adapters/kafka/record-batch/batch-rewrite';
import { readRecords } from '../../../src/adapters/kafka/record-batch/record-reader';
import { validateRecords, ValidateOptions } from '../../../src/adapters/kafka/record-batch/validate-records';

const opts: ValidateOptions = { maxMessageBytes: 1048588, produceVersion: 9 };
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 1_000_000;

const plain = (n = 3) =>
  buildRecordBatch({
    baseTimestamp: 1000n,
    records: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: 1000n + BigInt(i) })),
  });

const errorOf = (buf: Buffer, o: ValidateOptions = opts): number | null => {
  const r = validateRecords(buf, o);
  return E.isLeft(r) ? r.left.code : null;
};

describe('record batch validation', () => {
  test('a well-formed batch reports count, timestamps and producer fields', () => {
    const buf = buildRecordBatch({
      baseTimestamp: 50n,
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 10,
      transactional: true,
      records: [{ value: 'a', timestamp: 50n }, { value: 'b', timestamp: 80n, headers: [{ key: 'h', value: 'x' }] }],
    });
    const r = validateRecords(buf, opts);
    expect(E.isRight(r)).toBe(true);
    if (E.isLeft(r)) return;
    expect(r.right).toMatchObject({
      recordCount: 2, maxTimestamp: 80n, producerId: 7n, producerEpoch: 2, baseSequence: 10,
      isTransactional: true, isControl: false,
    });
    expect(r.right.batches[0]).toMatchObject({ position: 0, size: buf.length, compression: 0 });
  });

  test('T-BAD-5 a batch with a bad CRC-32C is CORRUPT_MESSAGE (2)', () => {
    const buf = plain();
    buf[buf.length - 1] ^= 0x01;
    expect(errorOf(buf)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  test('the CRC-32C covers attributes: flipping the transactional bit is CORRUPT_MESSAGE', () => {
    const buf = plain();
    buf[BatchOffset.attributes + 1] ^= 0x10;
    expect(errorOf(buf)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  test('magic 1 (message set v1) is INVALID_RECORD (87) for Produce v3+', () => {
    const buf = plain();
    buf.writeInt8(1, BatchOffset.magic);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
    buf.writeInt8(0, BatchOffset.magic);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('a truncated batch is INVALID_RECORD for Produce v3+ (no whole batch) and CORRUPT_MESSAGE otherwise', () => {
    const buf = plain().subarray(0, 70);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
    expect(errorOf(buf, { maxMessageBytes: 1 << 20 })).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(errorOf(plain().subarray(0, 10))).toBe(ErrorCode.INVALID_RECORD);
  });

  test('a batchLength smaller than the header is CORRUPT_MESSAGE', () => {
    const buf = plain();
    buf.writeInt32BE(20, BatchOffset.batchLength);
    expect(errorOf(buf)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  test('T-BAD-5 a batch larger than max.message.bytes is MESSAGE_TOO_LARGE (10)', () => {
    const buf = plain();
    expect(errorOf(buf, { ...opts, maxMessageBytes: buf.length - 1 })).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(errorOf(buf, { ...opts, maxMessageBytes: buf.length })).toBeNull();
  });

  test('Produce v3+ requires exactly one batch per partition (INVALID_RECORD)', () => {
    const two = Buffer.concat([plain(), plain()]);
    expect(errorOf(two)).toBe(ErrorCode.INVALID_RECORD);
    expect(errorOf(Buffer.alloc(0))).toBe(ErrorCode.INVALID_RECORD);
    const r = validateRecords(two, { maxMessageBytes: 1 << 20 });
    expect(E.isRight(r) && r.right.recordCount).toBe(6);
  });

  test('compressed batches are accepted untouched for codecs 1-4; codecs 5-7 are UNSUPPORTED_COMPRESSION_TYPE', () => {
    for (const codec of [1, 2, 3, 4]) {
      // The builder does not compress: validation must not look inside compressed records.
      const buf = buildRecordBatch({ compression: codec, records: [{ value: 'x' }] });
      buf.fill(0xee, BatchOffset.records);
      rewriteCrc(buf, 0);
      expect(errorOf(buf)).toBeNull();
    }
    for (const codec of [5, 6, 7]) {
      expect(errorOf(buildRecordBatch({ compression: codec, records: [{ value: 'x' }] }))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
  });

  test('KIP-110 zstd needs Produce v7', () => {
    const buf = buildRecordBatch({ compression: 4, records: [{ value: 'x' }] });
    expect(errorOf(buf, { ...opts, produceVersion: 6 })).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(errorOf(buf, { ...opts, produceVersion: 7 })).toBeNull();
  });

  test('LogValidator: recordsCount must be > 0 and equal lastOffsetDelta + 1 (INVALID_RECORD)', () => {
    const buf = plain(3);
    buf.writeInt32BE(1, BatchOffset.lastOffsetDelta);
    rewriteCrc(buf, 0);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
    const empty = buildRecordBatch({ records: [] });
    expect(errorOf(empty)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('DefaultRecord.readFrom: a record whose layout overruns its length is INVALID_RECORD', () => {
    const buf = plain(2);
    // First record's length varint: claim one byte more than it has.
    buf[BatchOffset.records] += 2;
    rewriteCrc(buf, 0);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('clients may not write control batches (INVALID_RECORD) but the coordinator may', () => {
    const buf = buildRecordBatch({ control: true, producerId: 1n, producerEpoch: 0, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }] });
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
    const r = validateRecords(buf, { ...opts, allowControl: true });
    expect(E.isRight(r) && r.right.isControl).toBe(true);
  });

  test('UnifiedLog.analyzeAndValidateRecords: a Produce batch with base offset ≠ 0 is INVALID_RECORD', () => {
    const buf = plain();
    rewriteBaseOffset(buf, 0, 5n);
    expect(errorOf(buf)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('LogValidator: a batch with a producer id but sequence -1 is INVALID_RECORD', () => {
    expect(errorOf(buildRecordBatch({ producerId: 3n, producerEpoch: 0, baseSequence: -1, records: [{ value: 'x' }] }))).toBe(ErrorCode.INVALID_RECORD);
  });

  test('base offset and leader epoch rewrites keep the CRC valid; LogAppendTime restamps it', () => {
    const buf = plain();
    rewriteBaseOffset(buf, 0, 12345n);
    rewritePartitionLeaderEpoch(buf, 0, 9);
    expect(errorOf(buf, { maxMessageBytes: 1 << 20 })).toBeNull();
    expect(buf.readBigInt64BE(0)).toBe(12345n);
    expect(readRecords(buf, 0).map((r) => r.offset)).toEqual([12345n, 12346n, 12347n]);
    stampLogAppendTime(buf, 0, 99999n);
    expect(errorOf(buf, { maxMessageBytes: 1 << 20 })).toBeNull();
    expect(readRecords(buf, 0).map((r) => r.timestamp)).toEqual([99999n, 99999n, 99999n]);
  });

  test('built batches round-trip keys, values, null values and headers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.option(fc.string(), { nil: null }),
            value: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null }),
            headers: fc.array(fc.record({ key: fc.string(), value: fc.option(fc.string(), { nil: null }) }), { maxLength: 3 }),
            dt: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (recs) => {
          const buf = buildRecordBatch({
            baseTimestamp: 1_700_000_000_000n,
            records: recs.map((r) => ({
              key: r.key,
              value: r.value === null ? null : Buffer.from(r.value),
              headers: r.headers,
              timestamp: 1_700_000_000_000n + BigInt(r.dt),
            })),
          });
          expect(errorOf(buf)).toBeNull();
          const back = readRecords(buf, 0);
          expect(back.map((r) => r.key?.toString() ?? null)).toEqual(recs.map((r) => r.key === null ? null : Buffer.from(r.key).toString()));
          expect(back.map((r) => (r.value === null ? null : [...r.value]))).toEqual(recs.map((r) => (r.value === null ? null : [...r.value])));
          expect(back.map((r) => r.headers.map((h) => [h.key, h.value?.toString() ?? null]))).toEqual(
            recs.map((r) => r.headers.map((h) => [Buffer.from(h.key).toString(), h.value === null ? null : Buffer.from(h.value).toString()])),
          );
          expect(back.map((r) => r.timestamp)).toEqual(recs.map((r) => 1_700_000_000_000n + BigInt(r.dt)));
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  test('any single flipped bit after the CRC field is detected', () => {
    const base = plain(4);
    fc.assert(
      fc.property(fc.integer({ min: BatchOffset.attributes * 8, max: base.length * 8 - 1 }), (bit) => {
        const buf = Buffer.from(base);
        buf[bit >> 3] ^= 1 << (bit & 7);
        expect(errorOf(buf)).not.toBeNull();
      }),
      { seed, numRuns: 300 },
    );
  });
});

// Printed so a failing randomized run can be replayed with SEED=<n>.
// eslint-disable-next-line no-console
console.log(`validate-records seed: ${seed}`);
