import { join } from 'path';
import type { FileSystem } from '../../ports/file-system';
import { MetaLogError } from '../../ports/meta-log';
import { decodeSegmentHeader, parseSegmentName, SEGMENT_HEADER_BYTES } from './segment-file';
import { findLaterDurableRecord, nonZeroEnd, readSegmentData, readSegmentTail, scanSegment, scanSegmentFile, type ScanOptions, type SegmentTail } from './segment-reader';

/** Read size after a torn or damaged frame (`readSegmentTail`'s stop rule: a whole chunk of zeros ends it). */
const TAIL_CHUNK = 256 * 1024;
const NOTHING: SegmentTail = { bytes: new Uint8Array(0), base: 0 };

/** What recovery learned about one segment file. `endPosition`/`validEnd` advance as the writer appends. */
export interface SegmentState {
  readonly name: string;
  readonly path: string;
  readonly base: number;
  endPosition: number;
  validEnd: number;
  records: number;
  /**
   * Its frames were read and checked. An open that replays from a snapshot leaves the segments wholly
   * below it unread (their end is the next segment's base; `validEnd` −1) until something needs them.
   */
  verified: boolean;
}

export interface InspectOptions {
  /** Segments wholly below this position are not read (they are below the snapshot replay starts from). */
  readonly verifyFrom?: number;
  /** Decode the last segment's events (its string dictionary; `metalog verify`'s full check). Default true. */
  readonly decodeLast?: boolean;
  /**
   * The open and the first replay in one pass (C4; with `decodeLast` false): the events at positions
   * ≥ `verifyFrom` of every segment read go here as the segment is checked, in log order, as a
   * replay would deliver them. They are only valid once the inspection finds no problem, or only a
   * torn tail (its events are never delivered: the scan stops at its frame).
   */
  readonly deliver?: Pick<ScanOptions, 'onEvent' | 'sink'>;
}

export type WalProblem =
  /** Damage after the last durable record of the last segment: a write torn by power loss, repaired on open. */
  | { readonly kind: 'torn-tail'; readonly segment: SegmentState; readonly offset: number; readonly dirtyEnd: number; readonly detail: string }
  /** The newest segment's header never became durable and it holds nothing: a roll cut short. */
  | { readonly kind: 'torn-roll'; readonly path: string; readonly detail: string }
  /** Damage to data that had been synced: never repaired silently (T-DUR-6). */
  | { readonly kind: 'corrupt'; readonly path: string; readonly offset: number; readonly detail: string };

export interface WalInspection {
  /** The contiguous chain of segments, oldest first; the last one is where appends go. */
  readonly segments: SegmentState[];
  /** Segments before a gap in positions: left behind by an interrupted `truncateBefore`. */
  readonly stale: SegmentState[];
  readonly problem: WalProblem | null;
  /** The last segment's string dictionary after its last whole record. */
  readonly lastStrings: readonly string[];
  /** Records (flush batches) and events in the chain up to the first problem. */
  readonly records: number;
}

/** Refusal to open: one line naming the file and byte offset (T-DUR-6). */
export class MetaLogCorruptError extends MetaLogError {
  constructor(readonly file: string, readonly offset: number, detail: string) {
    super(`MetaLog corrupt: ${file} at byte ${offset}: ${detail}; refusing to start (run --repair-metalog to truncate there)`, 'ECORRUPT');
    this.name = 'MetaLogCorruptError';
  }
}

/** The segment file names in `dir`, oldest first. */
export const listSegments = async (fs: FileSystem, dir: string): Promise<Array<{ name: string; base: number }>> => {
  const names = await fs.readdir(dir);
  return names
    .map((name) => ({ name, base: parseSegmentName(name) }))
    .filter((s): s is { name: string; base: number } => s.base !== null)
    .sort((a, b) => a.base - b.base);
};

/**
 * Reads every segment and classifies the first damage, changing nothing on disk. The last segment is
 * decoded in full (its dictionary is needed to keep appending); sealed ones are only CRC-checked.
 */
export const inspectWal = async (fs: FileSystem, dir: string, opts: InspectOptions = {}): Promise<WalInspection> => {
  const files = await listSegments(fs, dir);
  const verifyFrom = opts.verifyFrom ?? 0;
  const decodeLast = opts.decodeLast ?? true;
  const deliver = opts.deliver;
  if (deliver !== undefined && decodeLast) throw new Error('inspectWal: deliver needs decodeLast false');
  let reading = false;
  let segments: SegmentState[] = [];
  const stale: SegmentState[] = [];
  let lastStrings: readonly string[] = [];
  let records = 0;
  const done = (problem: WalProblem | null): WalInspection => ({ segments, stale, problem, lastStrings, records });

  for (let i = 0; i < files.length; i++) {
    const { name, base } = files[i];
    const path = join(dir, name);
    const isLast = i === files.length - 1;
    const nextBase = isLast ? Infinity : files[i + 1]!.base;
    if (nextBase <= verifyFrom && !reading) {
      // Wholly below where replay starts: not read now (a snapshot covers it). Only a prefix of the
      // chain is skipped, so the gap and overlap checks still run on every segment that is read.
      segments.push({ name, path, base, endPosition: nextBase, validEnd: -1, records: 0, verified: false });
      continue;
    }
    reading = true;
    // A whole segment (the usual case) is checked through a window and never held in memory (C4);
    // anything else, and a segment whose dictionary is wanted, is read whole and looked at closely.
    const quick = isLast && decodeLast ? null : await scanSegmentFile(fs, path, base, deliver === undefined ? { decode: false } : { decode: true, ...deliver, from: verifyFrom });
    const quickHeader = quick === null ? null : decodeSegmentHeader(quick.header);
    const whole = quick !== null && quickHeader !== null && quickHeader.ok && quick.zeroTail && (quick.stop === 'eof' || quick.stop === 'zero');
    // A window scan that stopped early under a good header already has the records: telling a torn
    // tail from corruption needs only the bytes after its stop, not the segment again (C4: reading
    // and checking it twice cost a torn tail ~65 ms at 4 MB of records), read until a 256 KiB run of
    // zeros (each page read into is a fresh one, ~40 µs here; 1 MiB chunks read 2 MiB of them).
    const tailOnly = !whole && quick !== null && quickHeader !== null && quickHeader.ok;
    const data: SegmentTail = whole ? NOTHING : tailOnly ? await readSegmentTail(fs, path, TAIL_CHUNK, quick.validEnd) : { bytes: await readSegmentData(fs, path), base: 0 };
    const buf = data.bytes;
    const header = quickHeader !== null && quickHeader.ok ? quickHeader : decodeSegmentHeader(buf.subarray(0, SEGMENT_HEADER_BYTES));
    if (!header.ok) {
      // The roll writes and syncs the header before any record, so a bad header over an empty body
      // is a roll the power cut short; with data behind it, synced data is damaged.
      if (isLast && nonZeroEnd(buf, SEGMENT_HEADER_BYTES) === SEGMENT_HEADER_BYTES) {
        return done({ kind: 'torn-roll', path, detail: header.reason });
      }
      return done({ kind: 'corrupt', path, offset: 0, detail: header.reason });
    }
    if (header.base !== base) {
      return done({ kind: 'corrupt', path, offset: 8, detail: `header base ${header.base} does not match the file name` });
    }
    const prev = segments[segments.length - 1];
    if (prev !== undefined && prev.endPosition !== base) {
      if (prev.endPosition > base) {
        return done({ kind: 'corrupt', path, offset: 8, detail: `base ${base} overlaps the previous segment ending at ${prev.endPosition}` });
      }
      // A gap: truncateBefore unlinks old segments and a crash may keep some of those unlinks but
      // not others. The records before the gap are below a durable snapshot; replay checks `from`.
      stale.push(...segments);
      segments = [];
    }
    const scan = (whole || tailOnly) && quick !== null ? quick : scanSegment(buf, base, { decode: isLast && decodeLast });
    const state: SegmentState = { name, path, base, endPosition: scan.endPosition, validEnd: scan.validEnd, records: scan.records, verified: true };
    segments.push(state);
    records += scan.records;
    if (isLast) lastStrings = scan.strings;
    const dirtyEnd = whole ? scan.validEnd : data.base + nonZeroEnd(buf, scan.validEnd - data.base);
    const clean = scan.stop === 'eof' || (scan.stop === 'zero' && dirtyEnd === scan.validEnd);
    if (clean) continue;
    const detail = `${scan.detail} after ${scan.records} records (position ${scan.endPosition})`;
    if (scan.stop === 'bad-event') {
      // Its checksum holds: these are the bytes that were written, not a torn write.
      return done({ kind: 'corrupt', path, offset: scan.validEnd, detail: `a record whose events do not decode: ${detail}` });
    }
    if (!isLast) {
      // A segment is fdatasynced before the next one is created: all of it was durable.
      return done({ kind: 'corrupt', path, offset: scan.validEnd, detail: `${detail} in a sealed segment` });
    }
    // A later record starts in the non-zero bytes: the search for its start ends where they do.
    const later = findLaterDurableRecord(buf, scan.validEnd, data.base + buf.length, dirtyEnd, data.base);
    if (later >= 0) {
      return done({ kind: 'corrupt', path, offset: scan.validEnd, detail: `${detail}, but a record synced after it follows at byte ${later}` });
    }
    return done({ kind: 'torn-tail', segment: state, offset: scan.validEnd, dirtyEnd, detail });
  }
  return done(null);
};
