import type { MetaEvent } from '../../domain/meta-event';
import type { ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';
import type { LogPosition, ReplaySink } from '../../ports/meta-log';
import { encodeEvent, decodeEvent, decodeEventTo } from './event-codecs';
import { RECORD_EVENTS_TYPED, sealFrame } from './record-frame';
import type { ValueDecoder, ValueEncoder } from './value-codec';

/**
 * Payload of an EVENTS record: one group-commit flush, replayed all or nothing.
 *
 *   first position f64 | durable offset f64 | count u32 | count × event
 *
 * An event is a value (record type RECORD_EVENTS, release 0.1) or a codec id and its fields
 * (RECORD_EVENTS_TYPED: event-codecs.ts); both read back through one dictionary per segment.
 *
 * `durable offset` is how many bytes of this segment were known durable (fdatasync done) when the
 * record was written. Recovery uses it to tell a torn write from media corruption (T-DUR-6): a bad
 * record at byte X followed by a valid record whose durable offset is past X means X had been
 * synced — and acknowledged — so the damage is corruption, not a torn tail.
 */
export const BATCH_HEADER_BYTES = 20;

/** Appends one sealed EVENTS frame for `events` to `out`; strings go through the segment's encoder. */
export const writeEventsFrame = (
  out: ByteWriter,
  encoder: ValueEncoder,
  firstPosition: number,
  durableOffset: number,
  events: readonly MetaEvent[],
): void => {
  const start = out.length;
  out.u32(0);
  out.u32(0);
  out.u8(RECORD_EVENTS_TYPED);
  out.f64(firstPosition);
  out.f64(durableOffset);
  out.u32(events.length);
  for (const e of events) encodeEvent(out, encoder, e);
  sealFrame(out.view8(), start, out.length);
};

export interface BatchHeader {
  readonly firstPosition: number;
  readonly durableOffset: number;
  readonly count: number;
}

/** Reads the batch header of a record whose payload starts at `payloadStart`; null when it cannot hold one. */
export const readBatchHeader = (view: DataView, payloadStart: number, end: number): BatchHeader | null => {
  if (end - payloadStart < BATCH_HEADER_BYTES) return null;
  const count = view.getUint32(payloadStart + 16, true);
  // Every value takes at least one byte.
  if (count > end - payloadStart - BATCH_HEADER_BYTES) return null;
  return {
    firstPosition: view.getFloat64(payloadStart, true),
    durableOffset: view.getFloat64(payloadStart + 8, true),
    count,
  };
};

/**
 * Decodes the events of a record, in order, through `reader` (one reader per segment, repositioned
 * per record: replay allocates nothing per frame). The decoder's dictionary grows as strings are defined.
 */
export const decodeBatchEvents = (
  reader: ByteReader,
  recordType: number,
  payloadStart: number,
  end: number,
  count: number,
  decoder: ValueDecoder,
  each: (event: MetaEvent, index: number) => void,
): void => {
  reader.offset = payloadStart + BATCH_HEADER_BYTES;
  reader.end = end;
  if (recordType === RECORD_EVENTS_TYPED) for (let i = 0; i < count; i++) each(decodeEvent(reader, decoder), i);
  else for (let i = 0; i < count; i++) each(decoder.decode(reader) as MetaEvent, i);
};

/**
 * `decodeBatchEvents` into a replay sink, for the events at positions ≥ `from` (the record's first
 * event has `firstPosition`); earlier ones are decoded only for the dictionary. A release-0.1 record
 * (values only) hands every event to `sink.event`.
 */
export const decodeBatchEventsTo = (
  reader: ByteReader,
  recordType: number,
  payloadStart: number,
  end: number,
  count: number,
  decoder: ValueDecoder,
  sink: ReplaySink,
  firstPosition: LogPosition,
  from: LogPosition,
): void => {
  reader.offset = payloadStart + BATCH_HEADER_BYTES;
  reader.end = end;
  let i = 0;
  if (recordType === RECORD_EVENTS_TYPED) {
    for (; i < count && firstPosition + i < from; i++) decodeEvent(reader, decoder);
    for (; i < count; i++) decodeEventTo(reader, decoder, sink, firstPosition + i);
  } else {
    for (; i < count; i++) {
      const event = decoder.decode(reader) as MetaEvent;
      if (firstPosition + i >= from) sink.event(event, firstPosition + i);
    }
  }
};
