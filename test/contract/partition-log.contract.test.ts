import * as fc from 'fast-check';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { OffsetOutOfRange, PartitionLog, PartitionLogConfig, PartitionLogStore } from '../../src/ports/partition-log';
import { MemoryPartitionLogStore } from '../fakes/memory-partition-log';
import { FilePartitionLogStore, partitionDir } from '../../src/adapters/partition-log/file-partition-log-store';
import { CLEAN_SHUTDOWN_FILE } from '../../src/adapters/partition-log/file-partition-log';
import { FsyncPolicy } from '../../src/adapters/partition-log/fsync-policy';
import { buildRecordBatch, RecordSpec } from '../../src/adapters/kafka/record-batch/batch-builder';
import { batchPositions, readRecords } from '../../src/adapters/kafka/record-batch/record-reader';
import { jetStreamLogs, stopSharedNatsCluster } from '../support/jetstream-partition-logs';

/** One adapter under the PartitionLog contract. `restart` drops every open log and opens a new store over the same data. */
interface Harness {
  readonly name: string;
  store(): PartitionLogStore;
  restart(): Promise<PartitionLogStore>;
  cleanup(): Promise<void>;
  /** File adapter only: the data directory, for tampering with files. */
  readonly dataDir?: string;
}

const memoryHarness = async (): Promise<Harness> => {
  const store = new MemoryPartitionLogStore();
  return {
    name: 'memory',
    store: () => store,
    restart: async () => {
      await store.close();
      return store;
    },
    cleanup: () => store.close(),
  };
};

// Issue 15: the same contract on JetStream (a 3-node cluster on loopback, R3), started on first use only.
afterAll(stopSharedNatsCluster, 30_000);

const jetStreamHarness = async (): Promise<Harness> => ({ name: 'jetstream', ...(await jetStreamLogs()) });

/**
 * Contract tests an adapter does not run, with the reason. JetStream: producer snapshots are
 * optional in the port (the broker rebuilds producer state by a scan) and not implemented there.
 */
const UNSUPPORTED: Record<string, Record<string, string>> = {
  jetstream: { 'PL-22': 'producer snapshots are optional in the port; the JetStream log has none (docs/scale-out.md)' },
};

const fileHarness = (fsync: FsyncPolicy) => async (): Promise<Harness> => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cohort-plog-'));
  let store = new FilePartitionLogStore(dataDir, fsync);
  return {
    name: `file(${fsync.kind})`,
    dataDir,
    store: () => store,
    restart: async () => {
      await store.close();
      store = new FilePartitionLogStore(dataDir, fsync);
      return store;
    },
    cleanup: async () => {
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
};

const batch = (values: string[], timestamps?: bigint[]): Buffer =>
  buildRecordBatch({
    baseTimestamp: timestamps?.[0] ?? 1000n,
    records: values.map((v, i): RecordSpec => ({ key: `k-${v}`, value: v, timestamp: timestamps?.[i] ?? 1000n })),
  });

const info = (values: string[], maxTimestamp = 1000n) => ({ recordCount: values.length, maxTimestamp });

/** Offsets and values of every record in a read result. */
const decode = (buf: Buffer): Array<{ offset: bigint; value: string }> =>
  batchPositions(buf).flatMap(({ position }) =>
    readRecords(buf, position).map((r) => ({ offset: r.offset, value: r.value?.toString() ?? '' })),
  );

const firstOffsets = (buf: Buffer): bigint[] => batchPositions(buf).map(({ position }) => buf.readBigInt64BE(position));

/** Every record from the log start to the end (reads stop at segment ends, as in Kafka). */
const readAll = async (log: PartitionLog): Promise<Array<{ offset: bigint; value: string }>> => {
  const out: Array<{ offset: bigint; value: string }> = [];
  for (let o = log.logStartOffset(); o < log.logEndOffset(); ) {
    const got = decode(await log.read(o, 1 << 20)).filter((r) => r.offset >= o);
    out.push(...got);
    o = got[got.length - 1].offset + 1n;
  }
  return out;
};

const small: Partial<PartitionLogConfig> = { segmentBytes: 400, indexIntervalBytes: 100 };

const harnesses: Array<[string, () => Promise<Harness>]> = [
  ['memory', memoryHarness],
  ['file always', fileHarness({ kind: 'always' })],
  ['file interval', fileHarness({ kind: 'interval', ms: 5 })],
  ['file os', fileHarness({ kind: 'os' })],
  ['jetstream', jetStreamHarness],
];

describe.each(harnesses)('PartitionLog contract: %s', (label, make) => {
  const skipped = UNSUPPORTED[label] ?? {};
  const test = (name: string, fn: () => Promise<void>): void => {
    const id = name.split(' ')[0]!;
    (id in skipped ? globalThis.test.skip : globalThis.test)(name, fn);
  };
  let h: Harness;
  beforeEach(async () => {
    h = await make();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  test('PL-1 append assigns dense increasing offsets and resolves with the first', async () => {
    const log = await h.store().open('t', 0);
    expect(log.logStartOffset()).toBe(0n);
    expect(log.logEndOffset()).toBe(0n);
    expect(await log.append(batch(['a', 'b', 'c']), info(['a', 'b', 'c']))).toBe(0n);
    expect(await log.append(batch(['d']), info(['d']))).toBe(3n);
    expect(await log.append(batch(['e', 'f']), info(['e', 'f']))).toBe(4n);
    expect(log.logEndOffset()).toBe(6n);
    const read = await log.read(0n, 1 << 20);
    expect(firstOffsets(read)).toEqual([0n, 3n, 4n]);
    expect(decode(read).map((r) => [r.offset, r.value])).toEqual([
      [0n, 'a'], [1n, 'b'], [2n, 'c'], [3n, 'd'], [4n, 'e'], [5n, 'f'],
    ]);
  });

  test('PL-2 appends made together resolve in call order with their own offsets', async () => {
    const log = await h.store().open('t', 0, small);
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => log.append(batch([`v${i}`, `w${i}`]), info(['x', 'y'])).then((o) => {
        order.push(i);
        return o;
      })),
    );
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(2 * i)));
    expect(log.logEndOffset()).toBe(80n);
  });

  test('PL-3 read from the middle of a batch starts with the batch that contains the offset', async () => {
    const log = await h.store().open('t', 0);
    await log.append(batch(['a', 'b', 'c']), info(['a', 'b', 'c']));
    await log.append(batch(['d', 'e']), info(['d', 'e']));
    expect(firstOffsets(await log.read(1n, 1 << 20))).toEqual([0n, 3n]);
    expect(firstOffsets(await log.read(4n, 1 << 20))).toEqual([3n]);
  });

  test('PL-4 maxBytes limits to whole batches but returns at least one (KIP-74)', async () => {
    const log = await h.store().open('t', 0);
    const b = batch(['aaaaaaaaaa']);
    for (let i = 0; i < 5; i++) await log.append(batch(['aaaaaaaaaa']), info(['a']));
    expect(firstOffsets(await log.read(0n, b.length * 2 + 5))).toEqual([0n, 1n]);
    expect(firstOffsets(await log.read(2n, 1))).toEqual([2n]);
    expect(firstOffsets(await log.read(0n, 1 << 20))).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  test('PL-5 reads outside [logStart, logEnd] reject with OffsetOutOfRange; at the end they are empty', async () => {
    const log = await h.store().open('t', 0);
    await log.append(batch(['a', 'b']), info(['a', 'b']));
    expect((await log.read(2n, 100)).length).toBe(0);
    await expect(log.read(3n, 100)).rejects.toBeInstanceOf(OffsetOutOfRange);
    await expect(log.read(-1n, 100)).rejects.toBeInstanceOf(OffsetOutOfRange);
  });

  test('PL-6 segments roll by segment.bytes and reads cross segment boundaries', async () => {
    const log = await h.store().open('t', 0, small);
    for (let i = 0; i < 30; i++) await log.append(batch([`value-${i}`]), info(['x']));
    expect(log.logEndOffset()).toBe(30n);
    const seen: bigint[] = [];
    for (let o = 0n; o < 30n; ) {
      const got = decode(await log.read(o, 150));
      expect(got.length).toBeGreaterThan(0);
      expect(got[0].offset).toBe(o);
      seen.push(...got.map((r) => r.offset));
      o = got[got.length - 1].offset + 1n;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i)));
    if (h.dataDir !== undefined) {
      const files = (await fs.readdir(partitionDir(h.dataDir, 't', 0))).filter((f) => f.endsWith('.log'));
      expect(files.length).toBeGreaterThan(3);
      expect(files).toContain('00000000000000000000.log');
    }
  });

  test('PL-7 reopen after close keeps data and offsets; appends continue at the end', async () => {
    let log = await h.store().open('t', 0, small);
    for (let i = 0; i < 12; i++) await log.append(batch([`v${i}`]), info(['x']));
    const before = await log.read(0n, 1 << 20);
    log = await (await h.restart()).open('t', 0, small);
    expect(log.logEndOffset()).toBe(12n);
    expect(decode(await log.read(0n, 1 << 20))).toEqual(decode(before));
    expect(await log.append(batch(['next']), info(['next']))).toBe(12n);
    expect(decode(await log.read(12n, 1 << 20))).toEqual([{ offset: 12n, value: 'next' }]);
  });

  test('PL-22 producer snapshots (PS-40): the newest at or below a bound survives a restart; only two are kept', async () => {
    let log = await h.store().open('t', 0, small);
    for (let i = 0; i < 3; i++) await log.append(batch([`v${i}`]), info(['x']));
    await log.writeProducerSnapshot!(1n, Uint8Array.from([1]));
    await log.writeProducerSnapshot!(2n, Uint8Array.from([2]));
    await log.writeProducerSnapshot!(3n, Uint8Array.from([3, 3]));
    log = await (await h.restart()).open('t', 0, small);
    expect(await log.readProducerSnapshot!(3n)).toEqual({ offset: 3n, data: Uint8Array.from([3, 3]) });
    expect(await log.readProducerSnapshot!(2n)).toEqual({ offset: 2n, data: Uint8Array.from([2]) });
    expect(await log.readProducerSnapshot!(1n)).toBeNull();
  });

  test('PL-8 retention.bytes deletes whole old segments and advances the log start offset', async () => {
    const log = await h.store().open('t', 0, { ...small, retentionBytes: 500, retentionMs: -1 });
    for (let i = 0; i < 30; i++) await log.append(batch([`value-${i}`]), info(['x']));
    const sizeBefore = log.sizeInBytes();
    const start = await log.applyRetention(Date.now());
    expect(start).toBeGreaterThan(0n);
    expect(log.logStartOffset()).toBe(start);
    expect(log.logEndOffset()).toBe(30n);
    expect(log.sizeInBytes()).toBeLessThan(sizeBefore);
    expect(log.sizeInBytes()).toBeGreaterThanOrEqual(500);
    await expect(log.read(0n, 100)).rejects.toBeInstanceOf(OffsetOutOfRange);
    expect(firstOffsets(await log.read(start, 1))).toEqual([start]);
  });

  test('PL-9 retention.ms deletes segments whose largest timestamp is older, including the active one', async () => {
    const log = await h.store().open('t', 0, { ...small, retentionMs: 1000, retentionBytes: -1 });
    for (let i = 0; i < 10; i++) await log.append(batch([`old-${i}`], [1000n + BigInt(i)]), info(['x'], 1000n + BigInt(i)));
    for (let i = 0; i < 10; i++) await log.append(batch([`new-${i}`], [50_000n + BigInt(i)]), info(['x'], 50_000n + BigInt(i)));
    // now − retention.ms = 9000: every "old" record is expired, no "new" one is.
    const start = await log.applyRetention(10_000);
    expect(start).toBeGreaterThan(0n);
    expect(start).toBeLessThanOrEqual(10n);
    expect(decode(await log.read(10n, 1 << 20))[0].value).toBe('new-0');
    // Everything expired: the log empties but its end offset survives.
    expect(await log.applyRetention(1_000_000)).toBe(20n);
    expect(log.logEndOffset()).toBe(20n);
    expect((await log.read(20n, 100)).length).toBe(0);
    expect(await log.append(batch(['after']), info(['after']))).toBe(20n);
  });

  test('PL-10 offsetForTimestamp finds the first record at or after a timestamp; maxTimestamp the largest', async () => {
    const log = await h.store().open('t', 0, small);
    expect(await log.offsetForTimestamp(0n)).toBeNull();
    expect(await log.maxTimestamp()).toBeNull();
    for (let i = 0; i < 20; i++) {
      const ts = [100n * BigInt(i) + 10n, 100n * BigInt(i) + 20n];
      await log.append(batch([`a${i}`, `b${i}`], ts), info(['a', 'b'], ts[1]));
    }
    await log.append(batch(['late', 'early'], [5000n, 15n]), info(['x', 'y'], 5000n));
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 10n });
    expect(await log.offsetForTimestamp(515n)).toEqual({ offset: 11n, timestamp: 520n });
    expect(await log.offsetForTimestamp(1920n)).toEqual({ offset: 39n, timestamp: 1920n });
    expect(await log.offsetForTimestamp(1921n)).toEqual({ offset: 40n, timestamp: 5000n });
    expect(await log.offsetForTimestamp(5001n)).toBeNull();
    expect(await log.maxTimestamp()).toEqual({ offset: 40n, timestamp: 5000n });
    const reopened = await (await h.restart()).open('t', 0, small);
    expect(await reopened.offsetForTimestamp(515n)).toEqual({ offset: 11n, timestamp: 520n });
    expect(await reopened.maxTimestamp()).toEqual({ offset: 40n, timestamp: 5000n });
  });

  test('PL-21 reconfigure applies new segment.bytes and retention to later appends and retention runs', async () => {
    const log = await h.store().open('t', 0, { retentionMs: -1, retentionBytes: -1 });
    for (let i = 0; i < 10; i++) await log.append(batch([`value-${i}`]), info(['x']));
    expect(await log.applyRetention(Date.now())).toBe(0n);
    log.reconfigure({ segmentBytes: 300, retentionBytes: 0 });
    for (let i = 0; i < 10; i++) await log.append(batch([`value-${i}`]), info(['x']));
    // retention.bytes 0 deletes every non-empty segment; the active one is rolled first.
    expect(await log.applyRetention(Date.now())).toBe(20n);
    expect(log.logEndOffset()).toBe(20n);
  });

  test('PL-11 deleteTopic removes every partition of that topic only', async () => {
    const store = h.store();
    await (await store.open('a', 0)).append(batch(['x']), info(['x']));
    await (await store.open('a', 1)).append(batch(['x']), info(['x']));
    await (await store.open('a-1', 0)).append(batch(['y']), info(['y']));
    await store.deleteTopic('a');
    expect((await store.open('a', 0)).logEndOffset()).toBe(0n);
    expect((await store.open('a-1', 0)).logEndOffset()).toBe(1n);
  });
});

describe('FilePartitionLog recovery', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await fileHarness({ kind: 'always' })();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const dir = (): string => partitionDir(h.dataDir as string, 't', 0);
  const lastLogFile = async (): Promise<string> => {
    const logs = (await fs.readdir(dir())).filter((f) => f.endsWith('.log')).sort();
    return path.join(dir(), logs[logs.length - 1]);
  };

  test('PL-12 a torn tail is cut at the last whole batch with a matching CRC-32C', async () => {
    let log = await h.store().open('t', 0);
    for (let i = 0; i < 5; i++) await log.append(batch([`v${i}`]), info(['x']));
    await h.store().close();
    // A crash mid-write: half of a sixth batch, and no clean-shutdown marker.
    const half = batch(['torn']).subarray(0, 30);
    await fs.appendFile(await lastLogFile(), half);
    await fs.rm(path.join(dir(), CLEAN_SHUTDOWN_FILE), { force: true });
    log = await (await h.restart()).open('t', 0);
    expect(log.logEndOffset()).toBe(5n);
    expect(await log.append(batch(['after']), info(['after']))).toBe(5n);
    expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'after']);
  });

  test('PL-13 a whole last batch with a bad CRC-32C is dropped on open', async () => {
    let log = await h.store().open('t', 0);
    for (let i = 0; i < 3; i++) await log.append(batch([`v${i}`]), info(['x']));
    await h.store().close();
    const file = await lastLogFile();
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 2] ^= 0xff;
    await fs.writeFile(file, bytes);
    // Only an unclean shutdown makes the active segment suspect (a clean one vouches for it).
    await fs.rm(path.join(dir(), CLEAN_SHUTDOWN_FILE), { force: true });
    log = await (await h.restart()).open('t', 0);
    expect(log.logEndOffset()).toBe(2n);
    expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['v0', 'v1']);
  });

  test('PL-14 missing or stale index files are rebuilt from the log', async () => {
    let log = await h.store().open('t', 0, small);
    for (let i = 0; i < 40; i++) await log.append(batch([`value-${i}`], [BigInt(i * 10)]), info(['x'], BigInt(i * 10)));
    await h.store().close();
    const names = await fs.readdir(dir());
    const indexes = names.filter((f) => f.endsWith('.index'));
    expect(indexes.length).toBeGreaterThan(1);
    await fs.rm(path.join(dir(), indexes[0]));
    await fs.writeFile(path.join(dir(), indexes[1]), Buffer.from([0, 0, 0]));
    const timeIndexes = names.filter((f) => f.endsWith('.timeindex'));
    await fs.writeFile(path.join(dir(), timeIndexes[2]), Buffer.alloc(24));
    log = await (await h.restart()).open('t', 0, small);
    expect(log.logEndOffset()).toBe(40n);
    for (let o = 0n; o < 40n; o++) expect(decode(await log.read(o, 1))[0]?.offset ?? -1n).toBeLessThanOrEqual(o);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
    expect(await log.offsetForTimestamp(255n)).toEqual({ offset: 26n, timestamp: 260n });
    expect(await (await fs.readFile(path.join(dir(), indexes[1]))).length % 8).toBe(0);
  });

  test('PL-15 a hole in a sealed segment keeps only the valid prefix of the log', async () => {
    let log = await h.store().open('t', 0, small);
    for (let i = 0; i < 20; i++) await log.append(batch([`value-${i}`]), info(['x']));
    await h.store().close();
    const logs = (await fs.readdir(dir())).filter((f) => f.endsWith('.log')).sort();
    const second = path.join(dir(), logs[1]);
    const bytes = await fs.readFile(second);
    bytes[bytes.length - 3] ^= 0x01;
    await fs.writeFile(second, bytes);
    await fs.rm(second.replace(/\.log$/, '.index'));
    log = await (await h.restart()).open('t', 0, small);
    const end = log.logEndOffset();
    expect(end).toBeGreaterThan(0n);
    expect(end).toBeLessThan(20n);
    expect(decode(await log.read(0n, 1 << 20)).length).toBeGreaterThan(0);
    expect(await log.append(batch(['after']), info(['after']))).toBe(end);
  });

  test('PL-20 G3 every truncation point and a bit flip in every covered byte of the last batch drops exactly that batch', async () => {
    let log = await h.store().open('t', 0);
    for (let i = 0; i < 3; i++) await log.append(batch([`v${i}`]), info(['x']));
    await h.store().close();
    const file = await lastLogFile();
    const whole = await fs.readFile(file);
    const lastStart = whole.length - batch(['v2']).length;
    const damaged: Buffer[] = [];
    for (let cut = lastStart; cut < whole.length; cut++) damaged.push(whole.subarray(0, cut));
    // One flipped bit per byte (a different bit position each byte) keeps the run short.
    for (let at = lastStart; at < whole.length; at++) {
      // partitionLeaderEpoch (bytes 12-15) is outside the CRC by design: the broker rewrites it.
      if (at - lastStart >= 12 && at - lastStart < 16) continue;
      const copy = Buffer.from(whole);
      copy[at] ^= 1 << (at % 8);
      damaged.push(copy);
    }
    for (const bytes of damaged) {
      await fs.writeFile(file, bytes);
      await fs.rm(path.join(dir(), CLEAN_SHUTDOWN_FILE), { force: true });
      log = await (await h.restart()).open('t', 0);
      expect(log.logEndOffset()).toBe(2n);
      expect((await fs.stat(file)).size).toBe(lastStart);
    }
  });

  /** The FileHandle prototype, to count and fail fdatasync calls. */
  const fileHandleProto = async (): Promise<{ datasync(): Promise<void> }> => {
    const fh = await fs.open(h.dataDir as string, 'r');
    const proto = Object.getPrototypeOf(fh) as { datasync(): Promise<void> };
    await fh.close();
    return proto;
  };

  test('PL-16 fsync always: appends of one event-loop turn share one fdatasync (group commit)', async () => {
    const log = await h.store().open('t', 0);
    const spy = jest.spyOn(await fileHandleProto(), 'datasync');
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(batch([`v${i}`]), info(['x']))));
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
      expect(log.logEndOffset()).toBe(50n);
    } finally {
      spy.mockRestore();
    }
  });

  test('PL-17 G5 a failed fdatasync never acks: the append rejects, the log fails, no second fdatasync', async () => {
    const log = await h.store().open('t', 0);
    await log.append(batch(['ok']), info(['ok']));
    const proto = await fileHandleProto();
    const spy = jest.spyOn(proto, 'datasync').mockRejectedValue(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    try {
      await expect(log.append(batch(['lost']), info(['lost']))).rejects.toThrow('EIO');
      expect(log.logEndOffset()).toBe(1n);
      await expect(log.append(batch(['later']), info(['later']))).rejects.toThrow('EIO');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['ok']);
    } finally {
      spy.mockRestore();
    }
  });

  /** Holds every fdatasync until released, in call order; the real fdatasync runs on release. */
  const heldSyncs = async () => {
    const proto = await fileHandleProto();
    const real = proto.datasync;
    const held: Array<{ release(fail?: Error): void }> = [];
    const spy = jest.spyOn(proto, 'datasync').mockImplementation(function (this: unknown) {
      return new Promise<void>((resolve, reject) => {
        held.push({ release: (fail) => (fail ? reject(fail) : real.call(this).then(resolve, reject)) });
      });
    });
    const calls = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && held.length < n; i++) await new Promise((r) => setTimeout(r, 2));
      expect(held.length).toBe(n);
    };
    return { held, spy, calls };
  };
  const settledFlags = (ps: Array<Promise<unknown>>): { done: boolean[] } => {
    const out = { done: ps.map(() => false) };
    ps.forEach((p, i) => p.then(() => (out.done[i] = true), () => (out.done[i] = true)));
    return out;
  };

  test('PL-23 fsync always, pipelined: appends made while an fdatasync runs are written at once and acked, in order, only after the next fdatasync', async () => {
    const log = await h.store().open('t', 0);
    const file = await lastLogFile();
    const { held, spy, calls } = await heldSyncs();
    try {
      const first = log.append(batch(['a']), info(['a']));
      await calls(1);
      const sizeAfterFirst = (await fs.stat(file)).size;
      const later = [log.append(batch(['b']), info(['b'])), log.append(batch(['c']), info(['c']))];
      const flags = settledFlags([first, ...later]);
      // The later appends reach the file while the first fdatasync is still held...
      for (let i = 0; i < 500 && (await fs.stat(file)).size === sizeAfterFirst; i++) await new Promise((r) => setTimeout(r, 2));
      expect((await fs.stat(file)).size).toBeGreaterThan(sizeAfterFirst);
      // ...but nothing is acked, visible or synced a second time before the first fdatasync returns.
      expect(flags.done).toEqual([false, false, false]);
      expect(log.logEndOffset()).toBe(0n);
      expect(held.length).toBe(1);
      held[0].release();
      await expect(first).resolves.toBe(0n);
      expect(log.logEndOffset()).toBe(1n);
      expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['a']);
      await calls(2);
      expect(flags.done.slice(1)).toEqual([false, false]);
      held[1].release();
      await expect(Promise.all(later)).resolves.toEqual([1n, 2n]);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['a', 'b', 'c']);
    } finally {
      for (const s of held) s.release();
      spy.mockRestore();
    }
  });

  test('PL-24 G5 pipelined: a failed fdatasync rejects its appends and those written behind it, and no fdatasync follows', async () => {
    const log = await h.store().open('t', 0);
    await log.append(batch(['ok']), info(['ok']));
    const { held, spy, calls } = await heldSyncs();
    try {
      const lost = log.append(batch(['lost']), info(['lost']));
      await calls(1);
      const behind = log.append(batch(['behind']), info(['behind']));
      // Let the second append be written (a write is the only thing that can happen meanwhile).
      await new Promise((r) => setTimeout(r, 20));
      held[0].release(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      await expect(lost).rejects.toThrow('EIO');
      await expect(behind).rejects.toThrow('EIO');
      await expect(log.append(batch(['later']), info(['later']))).rejects.toThrow('EIO');
      await new Promise((r) => setTimeout(r, 20));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(log.logEndOffset()).toBe(1n);
      expect(decode(await log.read(0n, 1 << 20)).map((r) => r.value)).toEqual(['ok']);
    } finally {
      for (const s of held) s.release();
      spy.mockRestore();
    }
  });

  test('PL-18 a log closed by its user is reopened by the store from its files', async () => {
    const store = h.store();
    const log = await store.open('t', 0);
    await log.append(batch(['a', 'b']), info(['a', 'b']));
    await log.close();
    const again = await store.open('t', 0);
    expect(again).not.toBe(log);
    expect(again.logEndOffset()).toBe(2n);
  });
});


describe('FilePartitionLog against the memory model', () => {
  const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 1_000_000;
  // eslint-disable-next-line no-console
  console.log(`partition-log differential seed: ${seed}`);

  type Op =
    | { kind: 'append'; values: number[]; ts: number }
    | { kind: 'read'; at: number; maxBytes: number }
    | { kind: 'retention'; now: number }
    | { kind: 'burst'; sizes: number[]; ts: number }
    | { kind: 'reopen'; unclean: boolean }
    | { kind: 'lookup'; ts: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), values: fc.array(fc.nat({ max: 120 }), { minLength: 1, maxLength: 4 }), ts: fc.nat({ max: 10_000 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), maxBytes: fc.integer({ min: 1, max: 600 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), now: fc.integer({ min: 0, max: 15_000 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('burst' as const), sizes: fc.array(fc.nat({ max: 200 }), { minLength: 2, maxLength: 8 }), ts: fc.nat({ max: 10_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), unclean: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('lookup' as const), ts: fc.nat({ max: 11_000 }) }) },
  );

  test('PL-19 the file log answers every operation exactly as the memory log does', async () => {
    const config: Partial<PartitionLogConfig> = { segmentBytes: 500, indexIntervalBytes: 128, retentionMs: 4000, retentionBytes: 1500 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const mem = await memoryHarness();
        const file = await fileHarness({ kind: 'os' })();
        try {
          let m = await mem.store().open('t', 0, config);
          let f = await file.store().open('t', 0, config);
          for (const o of ops) {
            if (o.kind === 'append') {
              const values = o.values.map((n) => 'x'.repeat(n));
              const ts = values.map((_, i) => BigInt(o.ts + i));
              const inf = { recordCount: values.length, maxTimestamp: ts[ts.length - 1] };
              expect(await f.append(batch(values, ts), inf)).toBe(await m.append(batch(values, ts), inf));
            } else if (o.kind === 'read') {
              const start = m.logStartOffset();
              const span = m.logEndOffset() - start;
              const at = start + BigInt(Math.floor(Number(span) * o.at));
              expect((await f.read(at, o.maxBytes)).equals(await m.read(at, o.maxBytes))).toBe(true);
            } else if (o.kind === 'retention') {
              expect(await f.applyRetention(o.now)).toBe(await m.applyRetention(o.now));
            } else if (o.kind === 'burst') {
              // Appends of one turn: one group write, possibly across a segment roll.
              const one = (n: number, i: number) => batch(['y'.repeat(n)], [BigInt(o.ts + i)]);
              const inf = (i: number) => ({ recordCount: 1, maxTimestamp: BigInt(o.ts + i) });
              const fr = await Promise.all(o.sizes.map((n, i) => f.append(one(n, i), inf(i))));
              const mr = await Promise.all(o.sizes.map((n, i) => m.append(one(n, i), inf(i))));
              expect(fr).toEqual(mr);
            } else if (o.kind === 'reopen') {
              m = await (await mem.restart()).open('t', 0, config);
              const fileStore = await file.restart();
              if (o.unclean) await fs.rm(path.join(partitionDir(file.dataDir as string, 't', 0), CLEAN_SHUTDOWN_FILE), { force: true });
              f = await fileStore.open('t', 0, config);
            } else {
              expect(await f.offsetForTimestamp(BigInt(o.ts))).toEqual(await m.offsetForTimestamp(BigInt(o.ts)));
            }
            expect([f.logStartOffset(), f.logEndOffset(), f.sizeInBytes()]).toEqual([m.logStartOffset(), m.logEndOffset(), m.sizeInBytes()]);
          }
          expect(await f.maxTimestamp()).toEqual(await m.maxTimestamp());
        } finally {
          await mem.cleanup();
          await file.cleanup();
        }
      }),
      { seed, numRuns: 40 },
    );
  });
});
