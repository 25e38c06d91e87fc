import type { MetaEvent } from '../../domain/meta-event';
import type { FileSystem } from '../../ports/file-system';
import type { ReplaySink } from '../../ports/meta-log';
import { ByteReader, DecodeError } from './byte-reader';
import { decodeBatchEvents, decodeBatchEventsTo, readBatchHeader } from './event-batch';
import { isEventsRecord, readFrameAt } from './record-frame';
import { SEGMENT_HEADER_BYTES } from './segment-file';
import { ValueDecoder } from './value-codec';

/** Why a scan stopped: clean end (`eof`, `zero`) or a frame that is short, fails its CRC, or does not decode. */
export type ScanStop = 'eof' | 'zero' | 'short' | 'bad-crc' | 'bad-record' | 'bad-sequence';

export interface SegmentScan {
  /** Offset just past the last whole record. */
  readonly validEnd: number;
  readonly records: number;
  /** Position after the last whole record. */
  readonly endPosition: number;
  readonly stop: ScanStop;
  /** Human-readable detail when `stop` is not a clean end. */
  readonly detail: string;
  /** The dictionary as it stands after the last whole record (only when events were decoded). */
  readonly strings: readonly string[];
}

export interface ScanOptions {
  /** Decode events (needed to rebuild the dictionary or to replay); CRC-only otherwise. */
  readonly decode: boolean;
  /** Called for each event at position ≥ `from` (decode must be true). */
  readonly onEvent?: (event: MetaEvent, position: number) => void;
  /** Instead of `onEvent`: the events at position ≥ `from` into a replay sink (its OffsetCommitted fast path). */
  readonly sink?: ReplaySink;
  readonly from?: number;
  /** Stop here even if more valid records follow (replay of a live segment). */
  readonly limit?: number;
  /** Skip the frame checksums: the same process verified these bytes when it opened the log. */
  readonly verified?: boolean;
}

/**
 * Walks the records of one segment from its header, stopping at the first frame that is short, fails
 * its CRC, or breaks the dense position sequence. Never throws on damaged bytes.
 */
export const scanSegment = (buf: Uint8Array, base: number, opts: ScanOptions): SegmentScan => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const limit = Math.min(opts.limit ?? buf.length, buf.length);
  const decoder = new ValueDecoder();
  const reader = new ByteReader(buf, 0, limit);
  const from = opts.from ?? 0;
  let offset = SEGMENT_HEADER_BYTES;
  let position = base;
  let records = 0;
  for (;;) {
    const frame = readFrameAt(buf, view, offset, limit, opts.verified !== true);
    if (frame.kind !== 'record') {
      return { validEnd: offset, records, endPosition: position, stop: frame.kind, detail: frame.kind, strings: decoder.strings };
    }
    const header = isEventsRecord(frame.type) ? readBatchHeader(view, frame.payloadStart, frame.end) : null;
    if (header === null) {
      return { validEnd: offset, records, endPosition: position, stop: 'bad-record', detail: `record type ${frame.type} unreadable`, strings: decoder.strings };
    }
    if (header.firstPosition !== position) {
      return {
        validEnd: offset,
        records,
        endPosition: position,
        stop: 'bad-sequence',
        detail: `record starts at position ${header.firstPosition}, expected ${position}`,
        strings: decoder.strings,
      };
    }
    if (opts.decode) {
      const mark = decoder.strings.length;
      try {
        const onEvent = opts.onEvent;
        if (opts.sink !== undefined) {
          decodeBatchEventsTo(reader, frame.type, frame.payloadStart, frame.end, header.count, decoder, opts.sink, position, from);
        } else {
          decodeBatchEvents(reader, frame.type, frame.payloadStart, frame.end, header.count, decoder, (event, i) => {
            if (onEvent && position + i >= from) onEvent(event, position + i);
          });
        }
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        decoder.strings.length = mark;
        return { validEnd: offset, records, endPosition: position, stop: 'bad-record', detail: e.message, strings: decoder.strings };
      }
    }
    records++;
    position += header.count;
    offset = frame.end;
  }
};

/**
 * Looks for a whole, valid EVENTS record starting anywhere in `(after, limit)` that was written when
 * byte `after` was already durable. Such a record proves the damage at `after` hit synced data
 * (corruption, T-DUR-6) rather than a write torn by power loss (T-DUR-5). Returns its offset or -1.
 */
export const findLaterDurableRecord = (buf: Uint8Array, after: number, limit: number): number => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = Math.min(limit, buf.length);
  for (let o = after + 1; o + 8 < end; o++) {
    // Fast path through zeroed and preallocated space.
    if (buf[o] === 0 && buf[o + 1] === 0 && buf[o + 2] === 0 && buf[o + 3] === 0) continue;
    if (!isEventsRecord(buf[o + 8]!)) continue;
    const frame = readFrameAt(buf, view, o, end);
    if (frame.kind !== 'record') continue;
    const header = readBatchHeader(view, frame.payloadStart, frame.end);
    if (header !== null && header.durableOffset > after) return o;
  }
  return -1;
};

/** Offset just past the last non-zero byte in `[from, buf.length)`, or `from` when all are zero. */
export const nonZeroEnd = (buf: Uint8Array, from: number): number => {
  // Preallocated segments end in megabytes of zeros: skip them a block at a time with a native
  // compare (memcmp) and only walk bytes inside the last block that is not all zero.
  let end = buf.length;
  while (end - from >= ZERO_BLOCK.length) {
    const start = end - ZERO_BLOCK.length;
    if (Buffer.compare(ZERO_BLOCK, buf.subarray(start, end)) !== 0) break;
    end = start;
  }
  for (let i = end - 1; i >= from; i--) if (buf[i] !== 0) return i + 1;
  return from;
};

const ZERO_BLOCK = new Uint8Array(64 * 1024);

/** Reads a whole file through the port. */
export const readWholeFile = async (fs: FileSystem, path: string): Promise<Uint8Array> => {
  const st = await fs.stat(path);
  if (st === null) throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
  const fd = await fs.open(path, 'read');
  try {
    return await fs.pread(fd, st.size, 0);
  } finally {
    await fs.close(fd);
  }
};

const CHUNK = 1024 * 1024;

/**
 * Reads a segment up to its data: chunk by chunk, stopping after a whole chunk of zeros that follows
 * the last non-zero byte seen (a preallocated segment is megabytes of zeros after its records; C4
 * spent most of an open reading them). What lies beyond can only be left over from an unsynced
 * write, far past where the records end: the writer never reads or keeps it (it starts a new
 * segment, or overwrites it sequentially before any reader could reach it).
 *
 * The chunks are read into one buffer the size of the file, left uninitialized: only the pages the
 * data lands in are ever touched, and nothing is copied (issue 14, C4: on this machine a fresh page
 * costs far more than reading into it — a buffer per chunk plus their concatenation cost ~2× the read).
 */
export const readSegmentData = async (fs: FileSystem, path: string): Promise<Uint8Array> => {
  const st = await fs.stat(path);
  if (st === null) throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
  const fd = await fs.open(path, 'read');
  try {
    const out = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const want = Math.min(CHUNK, st.size - read);
      const n = await fs.preadInto(fd, out, read, want, read);
      if (n === 0) break;
      read += n;
      if (n === CHUNK && read > CHUNK && nonZeroEnd(out.subarray(read - CHUNK, read), 0) === 0) break;
    }
    return out.subarray(0, read);
  } finally {
    await fs.close(fd);
  }
};

/** Reads the first `length` bytes of a file (replay never reads a segment's preallocated zeros). */
export const readFilePrefix = async (fs: FileSystem, path: string, length: number): Promise<Uint8Array> => {
  const fd = await fs.open(path, 'read');
  try {
    return await fs.pread(fd, length, 0);
  } finally {
    await fs.close(fd);
  }
};
