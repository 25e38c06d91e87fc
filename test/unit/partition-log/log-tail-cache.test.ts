import fc from 'fast-check';
import { LogTail, TailBudget } from '../../../src/adapters/partition-log/log-tail-cache';
import type { LogSegment } from '../../../src/adapters/partition-log/log-segment';

// The tail cache answers a read exactly as the file would (whole batches from the one holding the
// offset, within max(maxBytes, first batch)), or not at all; it never holds more than its caps.
const segA = { name: 'a' } as unknown as LogSegment;
const segB = { name: 'b' } as unknown as LogSegment;

interface Batch { seg: LogSegment; base: bigint; last: bigint; buf: Buffer }

/** `n` batches of `sizes` bytes with dense offsets (each batch `records` offsets), first in segA then segB at `rollAt`. */
const makeBatches = (sizes: number[], rollAt: number): Batch[] => {
  let next = 0n;
  return sizes.map((size, i) => {
    const records = BigInt(1 + (size % 3));
    const b = { seg: i < rollAt ? segA : segB, base: next, last: next + records - 1n, buf: Buffer.alloc(size, i % 251) };
    next += records;
    return b;
  });
};

/** What a file read of `seg` would return: the reference rule over all batches of the segment. */
const fileRead = (all: Batch[], seg: LogSegment, offset: bigint, maxBytes: number): Buffer => {
  const mine = all.filter((b) => b.seg === seg);
  const at = mine.findIndex((b) => b.last >= offset);
  if (at < 0) return Buffer.alloc(0);
  const limit = Math.max(maxBytes, mine[at].buf.length);
  const out: Buffer[] = [];
  let total = 0;
  for (let i = at; i < mine.length && total + mine[i].buf.length <= limit; i++) {
    out.push(mine[i].buf);
    total += mine[i].buf.length;
  }
  return Buffer.concat(out);
};

describe('partition log tail cache', () => {
  test('PL-25 a cached read equals the file read; offsets behind the cache or in another segment are not answered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 10, max: 300 }), { minLength: 1, maxLength: 60 }),
        fc.nat({ max: 60 }),
        fc.integer({ min: 100, max: 4000 }),
        fc.array(fc.tuple(fc.nat({ max: 200 }), fc.integer({ min: 1, max: 2000 })), { minLength: 1, maxLength: 20 }),
        (sizes, rollAt, cap, reads) => {
          const all = makeBatches(sizes, rollAt);
          const budget = new TailBudget(1 << 20);
          const tail = new LogTail(budget, cap);
          for (const b of all) tail.add(b.seg, b.base, b.last, b.buf);
          expect(budget.usedBytes()).toBeLessThanOrEqual(cap);
          for (const [off, maxBytes] of reads) {
            const offset = BigInt(off);
            for (const seg of [segA, segB]) {
              const got = tail.read(seg, offset, maxBytes);
              if (got !== null) expect(got.equals(fileRead(all, seg, offset, maxBytes))).toBe(true);
            }
          }
          // The newest batch is always answered from memory when it fits the cap.
          const newest = all[all.length - 1];
          if (newest.buf.length <= cap) expect(tail.read(newest.seg, newest.last, 1)).not.toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  test('PL-25 a read returns a copy: changing it leaves the cache alone', () => {
    const tail = new LogTail(new TailBudget(1 << 20));
    tail.add(segA, 0n, 0n, Buffer.from('abc'));
    const got = tail.read(segA, 0n, 100) as Buffer;
    got[0] = 0x7a;
    expect(tail.read(segA, 0n, 100)?.toString()).toBe('abc');
  });

  test('PL-25 the shared budget drops the tails whose last append is oldest first', () => {
    const budget = new TailBudget(250);
    const quiet = new LogTail(budget, 1000);
    const busy = new LogTail(budget, 1000);
    quiet.add(segA, 0n, 0n, Buffer.alloc(100));
    busy.add(segB, 0n, 0n, Buffer.alloc(100));
    expect(budget.usedBytes()).toBe(200);
    busy.add(segB, 1n, 1n, Buffer.alloc(100));
    // 300 > 250: the quiet log's tail goes, the busy one keeps both batches.
    expect(budget.usedBytes()).toBe(200);
    expect(quiet.read(segA, 0n, 1000)).toBeNull();
    expect(busy.read(segB, 0n, 1000)?.length).toBe(200);
    // Alone over the budget, a tail trims its own oldest batches.
    busy.add(segB, 2n, 2n, Buffer.alloc(100));
    expect(budget.usedBytes()).toBeLessThanOrEqual(250);
    expect(busy.read(segB, 0n, 1000)).toBeNull();
    expect(busy.read(segB, 2n, 1000)?.length).toBe(100);
    busy.clear();
    expect(budget.usedBytes()).toBe(0);
  });
});
