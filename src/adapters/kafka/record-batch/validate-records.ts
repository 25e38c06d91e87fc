import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../../../domain/error-code';
import { Attribute, BATCH_HEADER_SIZE, BatchOffset, Compression, LOG_OVERHEAD, readBatchHeader } from './batch-header';
import { crc32c } from './crc32c';
import { isRecordLayoutError, walkRecords } from './record-walk';

/** One batch of a validated `records` blob: a view into the request buffer, not a copy. */
export interface ValidatedBatch {
  /** Byte position of the batch in the blob. */
  readonly position: number;
  /** Whole batch size (batchLength + 12). */
  readonly size: number;
  readonly recordCount: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** Codec id from attribute bits 0-2 (0 none … 4 zstd). */
  readonly compression: number;
  readonly logAppendTime: boolean;
}

/** What Produce learns from a partition's `records`: the batches and their totals. */
export interface ValidatedRecords {
  readonly batches: ReadonlyArray<ValidatedBatch>;
  /** Sum of the batches' lastOffsetDelta + 1: how many offsets the append takes. */
  readonly recordCount: number;
  readonly maxTimestamp: bigint;
  /** Producer fields of the first batch (Produce v3+ carries exactly one). */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
}

export interface ValidateOptions {
  /** Topic `max.message.bytes`: the largest whole batch accepted (RecordTooLargeException). */
  readonly maxMessageBytes: number;
  /**
   * Produce request version. From v3 the blob must be exactly one magic-2 batch (ProduceRequest.
   * validateRecords); zstd needs v7. Omit for blobs that do not come from a Produce request.
   */
  readonly produceVersion?: number;
  /**
   * The append comes from the transaction coordinator (AppendOrigin.COORDINATOR): control batches
   * are allowed and the client-only sequence rule is skipped. Clients get INVALID_RECORD for both.
   */
  readonly allowControl?: boolean;
}

/** Smallest legal batchLength: the header after the batchLength field (DefaultRecordBatch.RECORD_BATCH_OVERHEAD − 12). */
const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;

const fail = (code: ErrorCode, message: string): E.Either<KafkaError, never> => E.left(kafkaError(code, message));

/**
 * Validates a `records` blob as Kafka's broker does for a client append, in Kafka's order:
 * framing and magic (ProduceRequest.validateRecords), base offset 0 for Produce (UnifiedLog.
 * analyzeAndValidateRecords), size against `max.message.bytes`, CRC-32C
 * (DefaultRecordBatch.ensureValid), count/offset consistency (LogValidator.validateBatch), and for
 * uncompressed batches the layout of every record (DefaultRecord.readFrom). Compressed batches are
 * stored as they came: their records are not inflated.
 */
export const validateRecords = (buf: Buffer, opts: ValidateOptions): E.Either<KafkaError, ValidatedRecords> => {
  const strict = opts.produceVersion !== undefined && opts.produceVersion >= 3;
  // Kafka's iterator stops at an incomplete batch; for Produce v3+ that leaves no whole batch, or
  // bytes after the one batch, which ProduceRequest.validateRecords reports as INVALID_RECORD.
  const truncated = strict ? ErrorCode.INVALID_RECORD : ErrorCode.CORRUPT_MESSAGE;
  const batches: ValidatedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (strict && batches.length === 1) {
      return fail(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 or above must contain exactly one record batch per partition');
    }
    const remaining = buf.length - pos;
    if (remaining < BatchOffset.magic + 1) return fail(truncated, `truncated batch header at byte ${pos}`);
    const batchLength = buf.readInt32BE(pos + BatchOffset.batchLength);
    const magic = buf.readInt8(pos + BatchOffset.magic);
    if (magic !== 2) {
      // Produce v3+ must carry magic 2 (KIP-98); Cohort stores only magic 2, so older formats are refused.
      return fail(ErrorCode.INVALID_RECORD, `record batch magic ${magic} is not supported; magic 2 is required`);
    }
    if (batchLength < MIN_BATCH_LENGTH) {
      return fail(ErrorCode.CORRUPT_MESSAGE, `batch length ${batchLength} is smaller than the batch header`);
    }
    const size = batchLength + LOG_OVERHEAD;
    if (size > remaining) return fail(truncated, `batch at byte ${pos} declares ${size} bytes but ${remaining} are present`);
    const clientBaseOffset = buf.readBigInt64BE(pos + BatchOffset.baseOffset);
    if (opts.produceVersion !== undefined && clientBaseOffset !== 0n) {
      // UnifiedLog.analyzeAndValidateRecords: a client's v2 batch carries base offset 0 (a placeholder).
      return fail(ErrorCode.INVALID_RECORD, `The baseOffset of the record batch should be 0, but it is ${clientBaseOffset}`);
    }
    if (size > opts.maxMessageBytes) {
      return fail(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${size} bytes exceeds max.message.bytes ${opts.maxMessageBytes}`);
    }
    const h = readBatchHeader(buf, pos);
    if (crc32c(buf.subarray(pos + BatchOffset.attributes, pos + size)) !== h.crc) {
      return fail(ErrorCode.CORRUPT_MESSAGE, `batch at byte ${pos} fails its CRC-32C`);
    }
    const compression = h.attributes & Attribute.compressionMask;
    if (compression > Compression.zstd) {
      return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${compression}`);
    }
    if (compression === Compression.zstd && opts.produceVersion !== undefined && opts.produceVersion < 7) {
      // ProduceRequest.validateRecords: zstd needs Produce v7 (KIP-110).
      return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd compression needs Produce v7 or later');
    }
    const isControl = (h.attributes & Attribute.control) !== 0;
    if (isControl && opts.allowControl !== true) {
      return fail(ErrorCode.INVALID_RECORD, 'clients are not allowed to write control records');
    }
    // LogValidator.validateBatch: a client batch has count > 0 and lastOffsetDelta + 1 == count.
    if (h.recordsCount <= 0) return fail(ErrorCode.INVALID_RECORD, `invalid reported record count ${h.recordsCount}`);
    if (h.lastOffsetDelta + 1 !== h.recordsCount) {
      return fail(ErrorCode.INVALID_RECORD, `lastOffsetDelta ${h.lastOffsetDelta} does not match record count ${h.recordsCount}`);
    }
    // Client-origin rule only: transaction markers from the coordinator carry sequence -1.
    if (opts.allowControl !== true && h.producerId >= 0n && h.baseSequence < 0) {
      return fail(ErrorCode.INVALID_RECORD, `Invalid sequence number ${h.baseSequence} in record batch with producerId ${h.producerId}`);
    }
    if (compression === Compression.none) {
      const walked = walkRecords(buf, pos, h.recordsCount);
      if (isRecordLayoutError(walked)) {
        return fail(ErrorCode.INVALID_RECORD, `record ${walked.index} of batch at byte ${pos}: ${walked.reason}`);
      }
      for (let i = 0; i < walked.length; i++) {
        if (walked[i].offsetDelta !== i) {
          return fail(ErrorCode.INVALID_RECORD, `record ${i} has offsetDelta ${walked[i].offsetDelta}`);
        }
      }
    }
    batches.push({
      position: pos,
      size,
      recordCount: h.recordsCount,
      lastOffsetDelta: h.lastOffsetDelta,
      baseTimestamp: h.baseTimestamp,
      maxTimestamp: h.maxTimestamp,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional: (h.attributes & Attribute.transactional) !== 0,
      isControl,
      compression,
      logAppendTime: (h.attributes & Attribute.timestampType) !== 0,
    });
    pos += size;
  }
  if (batches.length === 0) {
    if (strict) {
      return fail(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 or above must have at least one record batch per partition');
    }
    return E.right({
      batches, recordCount: 0, maxTimestamp: -1n, producerId: -1n, producerEpoch: -1, baseSequence: -1,
      isTransactional: false, isControl: false,
    });
  }
  const first = batches[0];
  let recordCount = 0;
  let maxTimestamp = -1n;
  for (const b of batches) {
    recordCount += b.lastOffsetDelta + 1;
    if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
  }
  return E.right({
    batches,
    recordCount,
    maxTimestamp,
    producerId: first.producerId,
    producerEpoch: first.producerEpoch,
    baseSequence: first.baseSequence,
    isTransactional: first.isTransactional,
    isControl: first.isControl,
  });
};
