import type { MetaEvent } from '../../domain/meta-event';
import type { FileSystem } from '../../ports/file-system';
import type { ReplaySink } from '../../ports/meta-log';
import { ByteReader, DecodeError } from './byte-reader';
import { decodeBatchEvents, decodeBatchEventsTo, readBatchHeader } from './event-batch';
import { FRAME_HEADER_BYTES, isEventsRecord, readFrameAt } from './record-frame';
import { SEGMENT_HEADER_BYTES } from './segment-file';
import { ValueDecoder } from './value-codec';

/**
 * Why a scan stopped: clean end (`eof`, `zero`), or a frame that is short, fails its CRC, is not a
 * readable record, or breaks the position sequence; `bad-event`: a whole record (its CRC holds)
 * whose events do not decode — never a torn write.
 */
export type ScanStop = 'eof' | 'zero' | 'short' | 'bad-crc' | 'bad-record' | 'bad-sequence' | 'bad-event';

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

/** Where a scan stands: the next frame's offset in the segment, its position, and the segment's dictionary. */
interface ScanState {
  offset: number;
  position: number;
  records: number;
  readonly decoder: ValueDecoder;
}

/**
 * Scans the whole frames in `buf`, whose byte 0 is byte `bufStart` of the segment, from `state.offset`
 * up to segment offset `limit`, advancing `state`. `more` is true while bytes after `limit` may still
 * come (a window of the file): a frame cut by `limit` then stops with 'more' instead of 'short'/'eof'.
 */
const scanFrames = (
  buf: Uint8Array,
  bufStart: number,
  limit: number,
  more: boolean,
  state: ScanState,
  opts: ScanOptions,
): { readonly stop: ScanStop | 'more'; readonly detail: string } => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = limit - bufStart;
  const reader = new ByteReader(buf, 0, end);
  const from = opts.from ?? 0;
  const decoder = state.decoder;
  for (;;) {
    const at = state.offset - bufStart;
    if (more && end - at < FRAME_HEADER_BYTES) return { stop: 'more', detail: 'more' };
    const frame = readFrameAt(buf, view, at, end, opts.verified !== true);
    if (frame.kind !== 'record') {
      if (more && (frame.kind === 'short' || frame.kind === 'eof')) return { stop: 'more', detail: 'more' };
      return { stop: frame.kind, detail: frame.kind };
    }
    const header = isEventsRecord(frame.type) ? readBatchHeader(view, frame.payloadStart, frame.end) : null;
    if (header === null) return { stop: 'bad-record', detail: `record type ${frame.type} unreadable` };
    const position = state.position;
    if (header.firstPosition !== position) {
      return { stop: 'bad-sequence', detail: `record starts at position ${header.firstPosition}, expected ${position}` };
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
        return { stop: 'bad-event', detail: e.message };
      }
    }
    state.records++;
    state.position += header.count;
    state.offset = bufStart + frame.end;
  }
};

/**
 * Walks the records of one segment from its header, stopping at the first frame that is short, fails
 * its CRC, or breaks the dense position sequence. Never throws on damaged bytes.
 */
export const scanSegment = (buf: Uint8Array, base: number, opts: ScanOptions): SegmentScan => {
  const limit = Math.min(opts.limit ?? buf.length, buf.length);
  const state: ScanState = { offset: SEGMENT_HEADER_BYTES, position: base, records: 0, decoder: new ValueDecoder() };
  const { stop, detail } = scanFrames(buf, 0, limit, false, state, opts);
  return { validEnd: state.offset, records: state.records, endPosition: state.position, stop: stop as ScanStop, detail, strings: state.decoder.strings };
};

/** `scanSegment` of a file read through a window, and what lies after the records. */
export interface SegmentFileScan extends SegmentScan {
  /** The segment header's bytes (fewer when the file is shorter). */
  readonly header: Uint8Array;
  /**
   * Every byte from `validEnd` to the end of the data is zero (`readSegmentData`'s end: the file's
   * end, or the first whole chunk of zeros after the first chunk). Only computed when `limit` is not set.
   */
  readonly zeroTail: boolean;
}

/**
 * `scanSegment` over the file at `path` without holding it in memory: its data is read chunk by chunk
 * (as `readSegmentData` reads it, stopping at the same end) into one reused window, and each whole
 * frame is scanned in place (issue 14, C4: a 25 MB buffer per segment cost more in fresh pages than
 * the reads themselves; a window is touched once). `opts.limit` stops the scan and the reading there
 * (a replay up to the end the open found).
 */
export const scanSegmentFile = async (fs: FileSystem, path: string, base: number, opts: ScanOptions, chunkBytes = CHUNK): Promise<SegmentFileScan> => {
  const st = await fs.stat(path);
  if (st === null) throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
  const fd = await fs.open(path, 'read');
  try {
    const limit = Math.min(opts.limit ?? st.size, st.size);
    let window = Buffer.allocUnsafe(Math.min(2 * chunkBytes, Math.max(limit, SEGMENT_HEADER_BYTES)));
    let windowStart = 0;
    let windowEnd = 0;
    let read = 0;
    let final = false;
    const header = new Uint8Array(Math.min(SEGMENT_HEADER_BYTES, limit));
    const state: ScanState = { offset: SEGMENT_HEADER_BYTES, position: base, records: 0, decoder: new ValueDecoder() };
    let stopped: { readonly stop: ScanStop | 'more'; readonly detail: string } = { stop: 'more', detail: 'more' };
    while (stopped.stop === 'more') {
      // Keep the bytes from the next frame on, then read the next chunk after them.
      const keepFrom = Math.min(Math.max(state.offset, windowStart), windowEnd);
      const keep = windowEnd - keepFrom;
      const want = Math.min(chunkBytes, limit - read);
      if (keep + want > window.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * window.length, keep + want));
        grown.set(window.subarray(keepFrom - windowStart, windowEnd - windowStart), 0);
        window = grown;
      } else if (keep > 0 && keepFrom > windowStart) {
        window.copyWithin(0, keepFrom - windowStart, windowEnd - windowStart);
      }
      windowStart = keepFrom;
      windowEnd = keepFrom + keep;
      const n = want === 0 ? 0 : await fs.preadInto(fd, window, keep, want, read);
      read += n;
      windowEnd += n;
      if (read - n < SEGMENT_HEADER_BYTES) header.set(window.subarray(keep, keep + Math.min(n, SEGMENT_HEADER_BYTES - (read - n))), read - n);
      if (n < chunkBytes || read >= limit) final = true;
      else if (read > chunkBytes && nonZeroEnd(window.subarray(keep, keep + n), 0) === 0) final = true;
      stopped = scanFrames(window, windowStart, Math.min(windowEnd, limit), !final, state, opts);
      opts.sink?.progress?.(state.position);
    }
    let zeroTail = false;
    if (opts.limit === undefined && (stopped.stop === 'zero' || stopped.stop === 'eof')) {
      // The data after the last record must be all zeros (else the caller looks closer).
      zeroTail = nonZeroEnd(window.subarray(state.offset - windowStart, windowEnd - windowStart), 0) === 0;
      while (zeroTail && !final) {
        const want = Math.min(chunkBytes, st.size - read);
        const n = await fs.preadInto(fd, window, 0, want, read);
        read += n;
        if (n === 0) break;
        if (nonZeroEnd(window.subarray(0, n), 0) !== 0) zeroTail = false;
        else if (n === chunkBytes && read > chunkBytes) final = true;
        if (n < chunkBytes) final = true;
      }
    }
    return {
      validEnd: state.offset,
      records: state.records,
      endPosition: state.position,
      stop: stopped.stop as ScanStop,
      detail: stopped.detail,
      strings: state.decoder.strings,
      header,
      zeroTail,
    };
  } finally {
    await fs.close(fd);
  }
};

/**
 * Looks for a whole, valid EVENTS record starting anywhere in `(after, limit)` that was written when
 * byte `after` was already durable. Such a record proves the damage at `after` hit synced data
 * (corruption, T-DUR-6) rather than a write torn by power loss (T-DUR-5). Returns its offset or -1.
 * Offsets are the file's; `buf` holds the file's bytes from offset `base` on (a `SegmentTail`).
 */
export const findLaterDurableRecord = (buf: Uint8Array, after: number, limit: number, startsBefore = limit, base = 0): number => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = Math.min(limit - base, buf.length);
  // A record starts with its non-zero length: none starts at or after `startsBefore` when every byte
  // from there on is zero (its end may still lie past it, in zeros of its own).
  const lastStart = Math.min(end, startsBefore - base);
  for (let o = Math.max(0, after + 1 - base); o + 8 < end && o < lastStart; o++) {
    // Fast path through zeroed and preallocated space.
    if (buf[o] === 0 && buf[o + 1] === 0 && buf[o + 2] === 0 && buf[o + 3] === 0) continue;
    if (!isEventsRecord(buf[o + 8]!)) continue;
    const frame = readFrameAt(buf, view, o, end);
    if (frame.kind !== 'record') continue;
    const header = readBatchHeader(view, frame.payloadStart, frame.end);
    if (header !== null && header.durableOffset > after) return base + o;
  }
  return -1;
};

/** Offset just past the last non-zero byte in `[from, buf.length)`, or `from` when all are zero. */
export const nonZeroEnd = (buf: Uint8Array, from: number): number => {
  // Preallocated segments end in megabytes of zeros: skip them a block at a time with a native
  // compare (memcmp) and only walk bytes inside the last block that is not all zero.
  // Then narrow inside the last non-zero block the same way with smaller steps, so the byte loop
  // walks at most 63 bytes (a torn open runs it once, before it is optimized: 64 KiB a byte at a
  // time in the interpreter cost ~7 ms).
  let end = buf.length;
  for (const step of ZERO_STEPS) {
    const zeros = ZERO_BLOCK.subarray(0, step);
    while (end - from >= step && Buffer.compare(zeros, buf.subarray(end - step, end)) === 0) end -= step;
  }
  for (let i = end - 1; i >= from; i--) if (buf[i] !== 0) return i + 1;
  return from;
};

const ZERO_BLOCK = new Uint8Array(64 * 1024);
const ZERO_STEPS = [ZERO_BLOCK.length, 4096, 256, 64];

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

/** The bytes of a file from offset `base` on. */
export interface SegmentTail {
  readonly bytes: Uint8Array;
  readonly base: number;
}

/**
 * Reads a segment's data from offset `from` on: chunk by chunk, stopping after a whole chunk of
 * zeros that follows the first chunk (a preallocated segment is megabytes of zeros after its records;
 * C4 spent most of an open reading them). What lies beyond can only be left over from an unsynced
 * write, far past where the records end: the writer never reads or keeps it (it starts a new
 * segment, or overwrites it sequentially before any reader could reach it).
 *
 * The chunks go into buffers of their own, joined at the end, never into one buffer the size of the
 * file: 64 MiB for a preallocated segment, untouched but counted as external memory, started V8's
 * incremental marking in the middle of the replay that follows a torn open (C4's torn row, 50–80 ms).
 */
export const readSegmentTail = async (fs: FileSystem, path: string, chunkBytes: number, from: number): Promise<SegmentTail> => {
  const st = await fs.stat(path);
  if (st === null) throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
  const fd = await fs.open(path, 'read');
  try {
    const chunks: Uint8Array[] = [];
    let read = Math.min(from, st.size);
    while (read < st.size) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, st.size - read));
      const n = await fs.preadInto(fd, chunk, 0, chunk.length, read);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      read += n;
      if (n === chunkBytes && chunks.length > 1 && nonZeroEnd(chunk, 0) === 0) break;
    }
    return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), base: Math.min(from, st.size) };
  } finally {
    await fs.close(fd);
  }
};

/** A whole segment up to its data (`readSegmentTail` from offset 0): the segments the window scan cannot take. */
export const readSegmentData = async (fs: FileSystem, path: string, chunkBytes = CHUNK): Promise<Uint8Array> =>
  (await readSegmentTail(fs, path, chunkBytes, 0)).bytes;
