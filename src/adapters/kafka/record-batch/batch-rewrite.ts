import { Attribute, BatchOffset, LOG_OVERHEAD } from './batch-header';
import { crc32c } from './crc32c';

/**
 * Sets the base offset of the batch at `batchOffset`. The CRC starts at `attributes`, so the
 * broker may assign offsets without recomputing it (record batch v2).
 */
export const rewriteBaseOffset = (buf: Buffer, batchOffset: number, baseOffset: bigint): void => {
  buf.writeBigInt64BE(baseOffset, batchOffset + BatchOffset.baseOffset);
};

/** Sets the partitionLeaderEpoch of the batch at `batchOffset` (outside the CRC, like the base offset). */
export const rewritePartitionLeaderEpoch = (buf: Buffer, batchOffset: number, epoch: number): void => {
  buf.writeInt32BE(epoch, batchOffset + BatchOffset.partitionLeaderEpoch);
};

/** Recomputes and stores the CRC-32C of the batch at `batchOffset` (attributes..end). */
export const rewriteCrc = (buf: Buffer, batchOffset: number): void => {
  const end = batchOffset + buf.readInt32BE(batchOffset + BatchOffset.batchLength) + LOG_OVERHEAD;
  buf.writeUInt32BE(crc32c(buf.subarray(batchOffset + BatchOffset.attributes, end)), batchOffset + BatchOffset.crc);
};

/**
 * Stamps the broker's append time on a batch for topics with `message.timestamp.type=LogAppendTime`:
 * sets the timestamp-type bit and maxTimestamp, then recomputes the CRC (both are inside it).
 */
export const stampLogAppendTime = (buf: Buffer, batchOffset: number, appendTime: bigint): void => {
  const attrs = buf.readInt16BE(batchOffset + BatchOffset.attributes);
  buf.writeInt16BE(attrs | Attribute.timestampType, batchOffset + BatchOffset.attributes);
  buf.writeBigInt64BE(appendTime, batchOffset + BatchOffset.maxTimestamp);
  rewriteCrc(buf, batchOffset);
};
