/** Sequence numbers are int32 and wrap from Integer.MAX_VALUE to 0 (DefaultRecordBatch.incrementSequence). */
export const MAX_SEQUENCE = 2147483647;

/** `sequence + increment`, wrapping past Integer.MAX_VALUE to 0. */
export const incrementSequence = (sequence: number, increment: number): number =>
  sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;

/** Whether `next` directly follows `last` (ProducerAppendInfo.inSequence). */
export const inSequence = (last: number, next: number): boolean =>
  next === last + 1 || (next === 0 && last === MAX_SEQUENCE);
