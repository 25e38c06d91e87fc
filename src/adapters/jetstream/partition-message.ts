import { BatchOffset, batchSizeAt, lastOffsetAt } from '../kafka/record-batch/batch-header';

/**
 * Headers of a partition stream message (docs/scale-out.md, "Partitions on JetStream"). A data
 * message carries the record batches of one or more appends, offsets already assigned; a control
 * message carries no data and states the log start and end offsets as its writer knew them (the
 * new leader's fence, and DeleteRecords / retention raising the start before the purge).
 */
export const HEADER_BASE_OFFSET = 'Cohort-Offset';
export const HEADER_LOG_START = 'Cohort-Start';
export const HEADER_LOG_END = 'Cohort-End';
export const HEADER_PARTITION_OWNER = 'Cohort-Owner';

/** One record batch as the index keeps it: where it sits in its message's data. */
export interface IndexedBatch {
  readonly base: bigint;
  readonly last: bigint;
  readonly maxTimestamp: bigint;
  readonly position: number;
  readonly size: number;
}

/** Splits a data message into its batches (the batch headers only: records are not decoded). */
export const indexBatches = (data: Buffer): IndexedBatch[] => {
  const out: IndexedBatch[] = [];
  for (let pos = 0; pos < data.length; ) {
    if (data.length - pos < BatchOffset.records) throw new Error(`partition message: ${data.length - pos} trailing bytes are not a batch header`);
    const size = batchSizeAt(data, pos);
    if (size < BatchOffset.records || pos + size > data.length) throw new Error(`partition message: batch of ${size} bytes at ${pos} exceeds the message`);
    out.push({
      base: data.readBigInt64BE(pos + BatchOffset.baseOffset),
      last: lastOffsetAt(data, pos),
      maxTimestamp: data.readBigInt64BE(pos + BatchOffset.maxTimestamp),
      position: pos,
      size,
    });
    pos += size;
  }
  return out;
};

/** Topic names allow `.`, which NATS uses between subject tokens and forbids in stream names: escape it (and `%`, never valid in a topic, as the escape). */
export const topicToken = (topic: string): string => topic.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
