import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { writeEventsFrame } from '../../../src/adapters/wal/event-batch';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import { encodeSegmentHeader } from '../../../src/adapters/wal/segment-file';
import { findLaterDurableRecord, nonZeroEnd, readSegmentData, readSegmentTail, scanSegment, scanSegmentFile } from '../../../src/adapters/wal/segment-reader';
import { ValueEncoder } from '../../../src/adapters/wal/value-codec';
import type { MetaEvent } from '../../../src/domain/meta-event';

/**
 * Issue 14 (C4): the open checks a segment, and the replay decodes it, through a window of the file
 * (`scanSegmentFile`) instead of the whole segment in memory. Against the whole-buffer scan of the
 * same bytes, with chunks as small as a few bytes so that frames straddle every boundary: the
 * window finds the same end, records and positions, calls a segment whole exactly when the buffer
 * scan does (everything else goes to the buffer path), and a replay up to that end decodes the same
 * events.
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
console.log(`segment-window-scan: SEED=${seed}`);
const nfs = new NodeFileSystem();
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cohort-window-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = fc.oneof(
  fc.record({
    type: fc.constant('OffsetCommitted' as const),
    groupId: fc.constantFrom('g0', 'g1', 'a-longer-group-name'),
    topic: fc.constantFrom('t', 'orders'),
    partition: fc.integer({ min: 0, max: 3 }),
    offset: fc.nat(),
    leaderEpoch: fc.integer({ min: -1, max: 3 }),
    metadata: fc.oneof(fc.constant(''), fc.string({ maxLength: 90 })),
    commitTimestamp: fc.nat(),
    expireTimestamp: fc.oneof(fc.constant(null), fc.nat()),
  }),
  fc.record({ type: fc.constant('GroupDeleted' as const), groupId: fc.constantFrom('g0', 'g1') }),
) as fc.Arbitrary<MetaEvent>;

/** What follows the records: nothing, zeros, zeros then stray bytes, garbage, or a cut-off record. */
const tail = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('zeros' as const), n: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('stray' as const), zeros: fc.integer({ min: 0, max: 400 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('cut' as const), keep: fc.integer({ min: 1, max: 60 }), zeros: fc.integer({ min: 0, max: 100 }) }),
);

type Tail = typeof tail extends fc.Arbitrary<infer T> ? T : never;

const segmentBytes = (batches: MetaEvent[][], t: Tail): Uint8Array => {
  const out = new ByteWriter();
  out.bytes(encodeSegmentHeader(7));
  const encoder = new ValueEncoder();
  let position = 7;
  for (const b of batches) {
    writeEventsFrame(out, encoder, position, out.length, b);
    position += b.length;
  }
  const body = out.view8().slice();
  if (t.kind === 'none') return body;
  if (t.kind === 'zeros') return Buffer.concat([body, new Uint8Array(t.n)]);
  if (t.kind === 'stray') return Buffer.concat([body, new Uint8Array(t.zeros), t.bytes]);
  const extra = new ByteWriter();
  writeEventsFrame(extra, encoder, position, body.length, [{ type: 'GroupDeleted', groupId: 'g9' }]);
  const frame = extra.view8();
  return Buffer.concat([body, frame.subarray(0, Math.min(t.keep, frame.length - 1)), new Uint8Array(t.zeros)]);
};

test('issue 14 C4: a segment scanned through a window matches the whole-buffer scan (end, records, wholeness, decoded events)', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(event, { minLength: 1, maxLength: 6 }), { maxLength: 12 }), tail, fc.integer({ min: 8, max: 300 }), async (batches, t, chunk) => {
      const path = join(dir, `s${n++}.wal`);
      writeFileSync(path, segmentBytes(batches, t));
      const buf = await readSegmentData(nfs, path, chunk);
      const whole = scanSegment(buf, 7, { decode: false });
      const wholeClean = whole.stop === 'eof' || (whole.stop === 'zero' && nonZeroEnd(buf, whole.validEnd) === whole.validEnd);
      const windowed = await scanSegmentFile(nfs, path, 7, { decode: false }, chunk);
      const windowClean = windowed.zeroTail && (windowed.stop === 'eof' || windowed.stop === 'zero');
      expect(windowClean).toBe(wholeClean);
      if (buf.length >= 32) expect(Array.from(windowed.header)).toEqual(Array.from(buf.subarray(0, 32)));
      // Clean or not: the open takes a window scan's stop for the records (a torn tail is then told
      // from corruption by the bytes after it alone, wal-inspection.ts).
      expect([windowed.validEnd, windowed.records, windowed.endPosition, windowed.stop, windowed.detail]).toEqual([whole.validEnd, whole.records, whole.endPosition, whole.stop, whole.detail]);
      if (!wholeClean) {
        const after = await readSegmentTail(nfs, path, chunk, whole.validEnd);
        const file = readFileSync(path);
        expect(after.base).toBe(whole.validEnd);
        expect(Array.from(after.bytes)).toEqual(Array.from(file.subarray(whole.validEnd, whole.validEnd + after.bytes.length)));
        // It reads at least what the whole read holds after the stop (its stop rule counts from there).
        const afterEnd = after.base + after.bytes.length;
        expect(afterEnd).toBeGreaterThanOrEqual(Math.min(buf.length, whole.validEnd + chunk));
        // Where it holds all the whole read does, the open's two questions get the same answers.
        if (afterEnd >= buf.length) {
          const dirtyEnd = nonZeroEnd(buf, whole.validEnd);
          expect(after.base + nonZeroEnd(after.bytes, 0)).toBe(dirtyEnd);
          expect(findLaterDurableRecord(after.bytes, whole.validEnd, afterEnd, dirtyEnd, after.base)).toBe(findLaterDurableRecord(buf, whole.validEnd, buf.length, dirtyEnd));
        }
      }
      // The replay: decode up to the end the check found, from a position inside the segment.
      const from = 7 + Math.floor(whole.endPosition / 3);
      const expected: Array<[MetaEvent, number]> = [];
      scanSegment(buf, 7, { decode: true, from, limit: whole.validEnd, onEvent: (e, p) => expected.push([e, p]) });
      const got: Array<[MetaEvent, number]> = [];
      const replayed = await scanSegmentFile(nfs, path, 7, { decode: true, from, limit: whole.validEnd, verified: true, onEvent: (e, p) => got.push([e, p]) }, chunk);
      expect(got).toEqual(expected);
      expect(got.length).toBe(Math.max(0, whole.endPosition - from));
      expect(replayed.endPosition).toBe(whole.endPosition);
    }),
    { numRuns: 300, seed },
  );
}, 60_000);

test('issue 14 C4: the tail after a torn write is read into a buffer of its own, not one the size of a preallocated segment', async () => {
  // A 64 MiB preallocated segment, torn 100 bytes in: the open reads from the tear until a whole
  // 256 KiB chunk of zeros. A file-sized buffer there was 64 MiB of external memory, enough to start
  // V8's incremental marking during the replay that follows (C4's torn row, 50-80 ms).
  const path = join(dir, 'preallocated.wal');
  writeFileSync(path, Buffer.alloc(100, 7));
  truncateSync(path, 64 * 1024 * 1024);
  const tail = await readSegmentTail(nfs, path, 256 * 1024, 40);
  expect(tail.base).toBe(40);
  expect(tail.bytes.length).toBe(2 * 256 * 1024);
  expect(tail.bytes.buffer.byteLength).toBeLessThanOrEqual(2 * 256 * 1024);
  expect(tail.base + nonZeroEnd(tail.bytes, 0)).toBe(100);
});

test('issue 14 C4: nonZeroEnd finds the end of the last non-zero byte from any start (blocks narrowed 64 KiB / 4 KiB / 256 / 64)', () => {
  const reference = (buf: Uint8Array, from: number): number => {
    for (let i = buf.length - 1; i >= from; i--) if (buf[i] !== 0) return i + 1;
    return from;
  };
  const sized = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 60_000, max: 200_000 }));
  fc.assert(
    fc.property(sized, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (size, marks, at) => {
      const buf = new Uint8Array(size);
      for (const [where, value] of marks) if (size > 0) buf[Math.min(size - 1, Math.floor(where * size))] = value;
      const from = Math.floor(at * size);
      expect(nonZeroEnd(buf, from)).toBe(reference(buf, from));
    }),
    { numRuns: 300, seed },
  );
});
