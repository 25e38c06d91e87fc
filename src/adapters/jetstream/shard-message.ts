import type { MetaEvent } from '../../domain/meta-event';
import { ByteReader } from '../wal/byte-reader';
import { ByteWriter } from '../wal/byte-writer';
import { decodeEvent, encodeEvent } from '../wal/event-codecs';
import { ValueDecoder, ValueEncoder } from '../wal/value-codec';

/** Headers of a shard stream message (docs/scale-out.md). */
export const HEADER_POSITION = 'Cohort-Pos';
export const HEADER_OWNER = 'Cohort-Owner';
/** A fence message carries no events: the new owner's first write, which refuses every older writer. */
export const HEADER_FENCE = 'Cohort-Fence';

/** One MetaLog append as one message: count u32, then the WAL's typed events (one dictionary per message). */
export const encodeEventBatch = (events: readonly MetaEvent[]): Uint8Array => {
  const out = new ByteWriter(256);
  const encoder = new ValueEncoder();
  out.u32(events.length);
  for (const e of events) encodeEvent(out, encoder, e);
  return out.toBytes();
};

export const decodeEventBatch = (bytes: Uint8Array): MetaEvent[] => {
  const r = new ByteReader(bytes, 0, bytes.length);
  const decoder = new ValueDecoder();
  const count = r.u32();
  if (count > bytes.length) throw new Error(`event count ${count} exceeds the message`);
  const events = new Array<MetaEvent>(count);
  for (let i = 0; i < count; i++) events[i] = decodeEvent(r, decoder);
  return events;
};
