import { dirname, join } from 'path';
import { inject, injectable } from 'inversify';
import type { MetaEvent } from '../../domain/meta-event';
import { FILE_SYSTEM, type FileSystem } from '../../ports/file-system';
import type { Snapshot, SnapshotSink, SnapshotStore, SnapshotToSave } from '../../ports/snapshot-store';
import { ByteReader, DecodeError } from '../wal/byte-reader';
import { ByteWriter } from '../wal/byte-writer';
import { decodeEvent, decodeEventTo, encodeEvent } from '../wal/event-codecs';
import { crc32 } from '../wal/record-frame';
import { ValueDecoder, ValueEncoder } from '../wal/value-codec';

export interface FileSnapshotStoreOptions {
  /** Directory for `snapshot-<position>.snap` files (created if missing; may be the MetaLog's). */
  readonly dir: string;
  /** Snapshots kept after a save (default 2: the newest, and one to fall back on if it is damaged). */
  readonly keep?: number;
  /**
   * Longest stretch of encoding between yields to the event loop (default 5 ms; Part D.7 wants < 20).
   * Requests that arrive during a slice wait for its end: a C6 trace showed the loop's delay at
   * ~10-15 ms above its idle level through every snapshot with 10 ms slices.
   */
  readonly sliceMs?: number;
}

/** DI symbol for `FileSnapshotStoreOptions`. */
export const FILE_SNAPSHOT_STORE_OPTIONS = Symbol.for('FileSnapshotStoreOptions');

/**
 * Snapshot file: header (48 bytes) then the events, with one string dictionary for the whole file
 * (binary: 2.1× smaller than JSON, benchmarks.md Part D.7). Version 2 writes each event as the MetaLog
 * does (event-codecs.ts: a compact codec where one fits, else codec 0 and the value encoding);
 * version 1 (release 0.1 to 0.x) wrote every event in the value encoding and is still read.
 *
 *   magic "CSNP" | version u16 | header bytes u16 | position f64 | event count f64 |
 *   payload bytes f64 | payload crc32 u32 | reserved (8) | header crc32 u32
 */
const MAGIC = [0x43, 0x53, 0x4e, 0x50];
const VERSION = 2;
const READABLE_VERSIONS = [1, 2];
const HEADER_BYTES = 48;
const NAME = /^snapshot-(\d{20})\.snap$/;

export const snapshotName = (position: number): string => `snapshot-${String(position).padStart(20, '0')}.snap`;

/** Why a snapshot file was not usable; thrown by `decodeSnapshot` and reported by `loadLatest` skips. */
export class SnapshotDamagedError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`snapshot ${file} unusable: ${reason}`);
    this.name = 'SnapshotDamagedError';
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Payload bytes per piece of an encoded snapshot. */
const PIECE_BYTES = 1 << 20;

/** Default longest stretch of snapshot encoding between yields to the event loop. */
const SLICE_MS = 5;

/**
 * Receives each payload piece of an encoded snapshot with its file offset. The bytes are the
 * encoder's own buffer, valid only until the returned promise resolves (a sink that keeps them copies).
 */
export type SnapshotPieceSink = (piece: Uint8Array, at: number) => Promise<void>;

/**
 * Encodes a snapshot's payload in pieces of about 1 MiB, handing each to `sink` as it is cut (the
 * next piece is encoded into the same buffer once the sink is done with it), and yielding to the event
 * loop whenever a slice has run `sliceMs`; resolves the header, which belongs at offset 0 and is known
 * only at the end. C6: a 1 GiB broker's snapshot is a few hundred MB. One buffer doubled as it grew,
 * copied out and checksummed in one call stalled the event loop for seconds; then all its pieces were
 * held until the last was encoded (beside a heap near its cap, and a copy of each). Now the encoder
 * holds one piece and the payload checksum is carried from piece to piece.
 */
export const encodeSnapshotInto = async (snapshot: SnapshotToSave, sink: SnapshotPieceSink, sliceMs = SLICE_MS): Promise<Uint8Array> => {
  const out = new ByteWriter(PIECE_BYTES + 64 * 1024);
  const encoder = new ValueEncoder();
  let crc = 0;
  let payloadBytes = 0;
  const cut = async (): Promise<void> => {
    const piece = out.view8();
    crc = crc32(piece, crc);
    const at = HEADER_BYTES + payloadBytes;
    payloadBytes += piece.length;
    await sink(piece, at);
    out.reset();
  };
  let sliceStart = performance.now();
  let count = 0;
  for (const e of snapshot.events) {
    encodeEvent(out, encoder, e);
    if (out.length >= PIECE_BYTES) await cut();
    if ((++count & 255) === 0 && performance.now() - sliceStart > sliceMs) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  if (out.length > 0) await cut();
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, HEADER_BYTES, true);
  view.setFloat64(8, snapshot.position, true);
  view.setFloat64(16, count, true);
  view.setFloat64(24, payloadBytes, true);
  view.setUint32(32, crc >>> 0, true);
  view.setUint32(44, crc32(header.subarray(0, 44)), true);
  return header;
};

/** Encodes a snapshot as pieces held in memory: the header first, then the payload's pieces. */
export const encodeSnapshotPieces = async (snapshot: SnapshotToSave, sliceMs = SLICE_MS): Promise<Uint8Array[]> => {
  const payload: Uint8Array[] = [];
  const header = await encodeSnapshotInto(snapshot, async (piece) => void payload.push(piece.slice()), sliceMs);
  return [header, ...payload];
};

/** Encodes a snapshot as one buffer (the object-store adapter stores one blob). */
export const encodeSnapshot = async (snapshot: SnapshotToSave, sliceMs = SLICE_MS): Promise<Uint8Array> =>
  Buffer.concat(await encodeSnapshotPieces(snapshot, sliceMs));

/** Decodes and verifies a snapshot file's bytes; throws `SnapshotDamagedError` on any mismatch. */
export const decodeSnapshot = (file: string, bytes: Uint8Array): Snapshot => {
  if (bytes.length < HEADER_BYTES) throw new SnapshotDamagedError(file, `short header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(44, true) !== crc32(bytes.subarray(0, 44))) throw new SnapshotDamagedError(file, 'header checksum mismatch');
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw new SnapshotDamagedError(file, 'bad magic');
  const version = view.getUint16(4, true);
  if (!READABLE_VERSIONS.includes(version)) throw new SnapshotDamagedError(file, `unsupported version ${version}`);
  const position = view.getFloat64(8, true);
  const count = view.getFloat64(16, true);
  const payloadBytes = view.getFloat64(24, true);
  if (payloadBytes !== bytes.length - HEADER_BYTES) throw new SnapshotDamagedError(file, `payload is ${bytes.length - HEADER_BYTES} bytes, header says ${payloadBytes}`);
  if (view.getUint32(32, true) !== crc32(bytes.subarray(HEADER_BYTES))) throw new SnapshotDamagedError(file, 'payload checksum mismatch');
  if (count > payloadBytes) throw new SnapshotDamagedError(file, `event count ${count} exceeds payload`);
  // Decoded as iterated (C6): a recovery folds each event and drops it, never holding the whole
  // snapshot as objects (1.3 M events took ~100 MB of heap at once, more than the state they fold to).
  const events: Iterable<MetaEvent> = {
    *[Symbol.iterator]() {
      const r = new ByteReader(bytes, HEADER_BYTES, bytes.length);
      const decoder = new ValueDecoder();
      for (let i = 0; i < count; i++) {
        let e: MetaEvent;
        try {
          e = version === 1 ? (decoder.decode(r) as MetaEvent) : decodeEvent(r, decoder);
        } catch (err) {
          throw new SnapshotDamagedError(file, (err as Error).message);
        }
        yield e;
      }
      if (r.remaining() !== 0) throw new SnapshotDamagedError(file, `${r.remaining()} trailing bytes`);
    },
  };
  // The same events into a sink (`Snapshot.deliverTo`): compact commits as fields, no generator step
  // and no event object per event (C4, snapshot rows).
  const deliverTo = (sink: SnapshotSink): void => {
    const r = new ByteReader(bytes, HEADER_BYTES, bytes.length);
    const decoder = new ValueDecoder();
    try {
      if (version === 1) for (let i = 0; i < count; i++) sink.event(decoder.decode(r) as MetaEvent, position);
      else for (let i = 0; i < count; i++) decodeEventTo(r, decoder, sink, position);
    } catch (err) {
      // Bytes the checksum vouched for that do not decode; anything the sink throws is its own.
      if (err instanceof DecodeError) throw new SnapshotDamagedError(file, err.message);
      throw err;
    }
    if (r.remaining() !== 0) throw new SnapshotDamagedError(file, `${r.remaining()} trailing bytes`);
  };
  return { position, count, events, deliverTo };
};

/**
 * SnapshotStore port on files through the FileSystem port. Constructor: `(fs, options)`.
 * A save is durable in four steps — temp file written and fdatasynced, renamed over its final
 * name, directory fsynced — so a crash leaves the old snapshot or the new one, never a mix; then
 * snapshots beyond `keep` are deleted.
 */
@injectable()
export class FileSnapshotStore implements SnapshotStore {
  private readonly keep: number;
  private readonly sliceMs: number;
  /** Files skipped by the last `loadLatest`, with the reason (for the startup log). */
  skipped: SnapshotDamagedError[] = [];
  private saving: Promise<void> = Promise.resolve();
  private dirDurable = false;

  constructor(
    @inject(FILE_SYSTEM) private readonly fs: FileSystem,
    @inject(FILE_SNAPSHOT_STORE_OPTIONS) private readonly options: FileSnapshotStoreOptions,
  ) {
    this.keep = Math.max(1, options.keep ?? 2);
    this.sliceMs = options.sliceMs ?? SLICE_MS;
  }

  /** Saves are serialized: `prune` must never see another save's temp file half-written. */
  save(snapshot: SnapshotToSave): Promise<void> {
    const run = this.saving.then(() => this.write(snapshot));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async write(snapshot: SnapshotToSave): Promise<void> {
    const dir = this.options.dir;
    if (!this.dirDurable) {
      // A new directory's entry lives in its parent: sync the parent, or a power loss can drop the
      // whole snapshots directory after the MetaLog segments it replaced were deleted (T-DUR-9 R2).
      const existed = (await this.fs.stat(dir)) !== null;
      await this.fs.mkdir(dir);
      if (!existed) await this.fs.fsyncDir(dirname(dir));
      this.dirDurable = true;
    }
    const name = snapshotName(snapshot.position);
    const tmp = join(dir, `${name}.tmp`);
    const fd = await this.fs.open(tmp, 'create');
    try {
      // Each piece goes to the temp file as it is encoded; the header, last, at offset 0. Only a
      // complete, synced temp file is renamed into place, so a crash mid-way leaves no snapshot behind.
      const header = await encodeSnapshotInto(snapshot, (piece, at) => this.fs.pwrite(fd, piece, at), this.sliceMs);
      await this.fs.pwrite(fd, header, 0);
      await this.fs.fdatasync(fd);
    } finally {
      await this.fs.close(fd);
    }
    await this.fs.rename(tmp, join(dir, name));
    await this.fs.fsyncDir(dir);
    await this.prune();
  }

  async loadLatest(): Promise<Snapshot | null> {
    this.skipped = [];
    const files = await this.list();
    for (const f of files) {
      const path = join(this.options.dir, f.name);
      try {
        const bytes = await this.read(path);
        const snapshot = decodeSnapshot(path, bytes);
        if (snapshot.position !== f.position) throw new SnapshotDamagedError(path, `header position ${snapshot.position} does not match the name`);
        return snapshot;
      } catch (e) {
        if (!(e instanceof SnapshotDamagedError)) throw e;
        this.skipped.push(e);
      }
    }
    return null;
  }

  /** Snapshot files, newest first. */
  private async list(): Promise<Array<{ name: string; position: number }>> {
    if ((await this.fs.stat(this.options.dir)) === null) return [];
    return (await this.fs.readdir(this.options.dir))
      .map((name) => ({ name, m: NAME.exec(name) }))
      .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
      .map((x) => ({ name: x.name, position: Number(x.m[1]) }))
      .sort((a, b) => b.position - a.position);
  }

  private async read(path: string): Promise<Uint8Array> {
    const st = await this.fs.stat(path);
    const fd = await this.fs.open(path, 'read');
    try {
      return await this.fs.pread(fd, st?.size ?? 0, 0);
    } finally {
      await this.fs.close(fd);
    }
  }

  /** Deletes snapshots beyond `keep` and temp files a crash left behind. */
  private async prune(): Promise<void> {
    const dir = this.options.dir;
    const doomed = (await this.list()).slice(this.keep).map((f) => f.name);
    for (const name of await this.fs.readdir(dir)) if (name.startsWith('snapshot-') && name.endsWith('.snap.tmp')) doomed.push(name);
    if (doomed.length === 0) return;
    for (const name of doomed) await this.fs.unlink(join(dir, name));
    await this.fs.fsyncDir(dir);
  }
}
