/**
 * Byte layout of a record batch v2 header (../shared/kafka-protocol/README.md, "Record batch format v2").
 * Every field is big-endian; the CRC covers `attributes` to the end of the batch.
 */
export const BatchOffset = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
  records: 61,
} as const;

/** Bytes before `batchLength`'s counted region: baseOffset (8) + batchLength (4). */
export const LOG_OVERHEAD = 12;
/** Size of a batch with no records: the fixed header. */
export const BATCH_HEADER_SIZE = 61;

export const Attribute = {
  compressionMask: 0x07,
  timestampType: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

/** Compression codec ids carried in attribute bits 0-2. */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/** The fixed-size header fields of one batch, read without copying the batch. */
export interface BatchHeader {
  readonly baseOffset: bigint;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
}

/** Reads the header of the batch at `pos`; the caller checks that 61 bytes are present. */
export const readBatchHeader = (buf: Buffer, pos: number): BatchHeader => ({
  baseOffset: buf.readBigInt64BE(pos + BatchOffset.baseOffset),
  batchLength: buf.readInt32BE(pos + BatchOffset.batchLength),
  partitionLeaderEpoch: buf.readInt32BE(pos + BatchOffset.partitionLeaderEpoch),
  magic: buf.readInt8(pos + BatchOffset.magic),
  crc: buf.readUInt32BE(pos + BatchOffset.crc),
  attributes: buf.readInt16BE(pos + BatchOffset.attributes),
  lastOffsetDelta: buf.readInt32BE(pos + BatchOffset.lastOffsetDelta),
  baseTimestamp: buf.readBigInt64BE(pos + BatchOffset.baseTimestamp),
  maxTimestamp: buf.readBigInt64BE(pos + BatchOffset.maxTimestamp),
  producerId: buf.readBigInt64BE(pos + BatchOffset.producerId),
  producerEpoch: buf.readInt16BE(pos + BatchOffset.producerEpoch),
  baseSequence: buf.readInt32BE(pos + BatchOffset.baseSequence),
  recordsCount: buf.readInt32BE(pos + BatchOffset.recordsCount),
});

/** Whole size in bytes of the batch whose header starts at `pos` (batchLength + 12). */
export const batchSizeAt = (buf: Buffer, pos: number): number =>
  buf.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;

/** Last offset of the batch at `pos` (baseOffset + lastOffsetDelta). */
export const lastOffsetAt = (buf: Buffer, pos: number): bigint =>
  buf.readBigInt64BE(pos + BatchOffset.baseOffset) + BigInt(buf.readInt32BE(pos + BatchOffset.lastOffsetDelta));
