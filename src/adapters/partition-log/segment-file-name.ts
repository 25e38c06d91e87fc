/** Segment files are named by their base offset, zero-padded to 20 digits as in Kafka. */
export const segmentFileStem = (baseOffset: bigint): string => baseOffset.toString().padStart(20, '0');

export const LOG_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

/** Base offset of a `<20 digits>.log` file name, or null for any other file. */
export const baseOffsetOfLogFile = (name: string): bigint | null => {
  const m = /^(\d{20})\.log$/.exec(name);
  return m === null ? null : BigInt(m[1]);
};
