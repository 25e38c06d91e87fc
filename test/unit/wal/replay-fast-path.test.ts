import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { decodeSnapshot, encodeSnapshot } from '../../../src/adapters/snapshot/file-snapshot-store';
import { silentLogger } from '../../../src/adapters/system/pino-logger';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import { crc32, RECORD_EVENTS, sealFrame } from '../../../src/adapters/wal/record-frame';
import { encodeSegmentHeader, segmentName } from '../../../src/adapters/wal/segment-file';
import { ValueEncoder } from '../../../src/adapters/wal/value-codec';
import { defaultGroupCoordinatorConfig } from '../../../src/application/group/group-config';
import { GroupStore } from '../../../src/application/group/group-store';
import { recover } from '../../../src/application/recovery';
import { isGroupEvent, type GroupEvent } from '../../../src/domain/group/events';
import type { MetaEvent } from '../../../src/domain/meta-event';
import { isTxnEvent, type TxnEvent } from '../../../src/domain/transaction/events';
import { evolveTxn } from '../../../src/domain/transaction/evolve-txn';
import { initialTxnCoordinatorState, type TxnCoordinatorState } from '../../../src/domain/transaction/txn-metadata';
import type { MetaLog } from '../../../src/ports/meta-log';
import type { Snapshot, SnapshotStore } from '../../../src/ports/snapshot-store';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';

/**
 * Issue 14 (C4): recovery decodes OffsetCommitted records straight into the group's offset tables
 * (`MetaLog.replayTo`, `ReplaySink.offsetCommitted`) instead of building event objects. The same
 * log replayed both ways must give the same aggregate, history and transaction state: metadata
 * strings (interned, raw, unicode), leader epochs, expire timestamps, commits that do not fit the
 * compact codec (written as values), OffsetDelete / expiry / group deletion after commits, pending
 * transactional offsets, and records of release 0.1 (record type 1, values only) before them.
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
console.log(`replay-fast-path: SEED=${seed}`);
const nfs = new NodeFileSystem();
const noSnapshots: SnapshotStore = { loadLatest: async () => null, save: async () => undefined };
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cohort-fastpath-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Folded {
  readonly groups: GroupStore;
  txns: TxnCoordinatorState;
  readonly order: string[];
}

const newFolded = (log: MetaLog): Folded => {
  const groups = new GroupStore(log, silentLogger, defaultGroupCoordinatorConfig());
  groups.beginLoad();
  return { groups, txns: initialTxnCoordinatorState(), order: [] };
};

const applyTo = (f: Folded) => (e: MetaEvent): void => {
  f.order.push(e.type);
  if (isGroupEvent(e)) f.groups.applyReplayed(e);
  else if (isTxnEvent(e)) f.txns = evolveTxn(f.txns, e);
};

/** The event path: `MetaLog.replay`, every event an object, folded as before issue 14. */
const viaEvents = async (log: MetaLog): Promise<Folded> => {
  const f = newFolded(log);
  await log.replay(0, applyTo(f));
  return f;
};

/** The broker's path: `recover` with the OffsetCommitted fast path into the group store. */
let fastCalls = 0;
const viaFastPath = async (log: MetaLog): Promise<Folded> => {
  const f = newFolded(log);
  const apply = applyTo(f);
  const stats = await recover(log, noSnapshots, apply, silentLogger, (g, t, p, o, le, m, ct, et) => {
    f.order.push('OffsetCommitted');
    fastCalls++;
    f.groups.applyReplayedOffsetCommitted(g, t, p, o, le, m, ct, et);
  });
  expect(stats.replayedEvents).toBe(f.order.length);
  return f;
};

const expectSameState = (a: Folded, b: Folded): void => {
  expect(b.order).toEqual(a.order);
  expect(b.groups.groupsState()).toStrictEqual(a.groups.groupsState());
  expect(b.groups.historyState()).toStrictEqual(a.groups.historyState());
  expect(b.txns).toStrictEqual(a.txns);
};

/** A release-0.1 segment: record type 1, each event a self-describing value, one dictionary per segment. */
const writeRelease01Segment = (dir: string, batches: readonly MetaEvent[][]): number => {
  const out = new ByteWriter();
  out.bytes(encodeSegmentHeader(0));
  const encoder = new ValueEncoder();
  let position = 0;
  for (const batch of batches) {
    const start = out.length;
    out.u32(0);
    out.u32(0);
    out.u8(RECORD_EVENTS);
    out.f64(position);
    out.f64(start);
    out.u32(batch.length);
    for (const e of batch) encoder.encode(out, e);
    sealFrame(out.view8(), start, out.length);
    position += batch.length;
  }
  writeFileSync(join(dir, segmentName(0)), out.view8().slice());
  return position;
};

const GROUPS = ['g0', 'g1', 'gé'];
const TOPICS = ['t0', 'orders'];
const group = fc.constantFrom(...GROUPS);
const topic = fc.constantFrom(...TOPICS);
const partition = fc.integer({ min: 0, max: 5 });
const metadata = fc.oneof(fc.constant(''), fc.constant('m'), fc.constant('x'.repeat(80)), fc.string({ unit: 'binary', maxLength: 12 }));

const offsetCommitted = fc.record({
  type: fc.constant('OffsetCommitted' as const),
  groupId: group,
  topic,
  partition,
  offset: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constant(2 ** 40 + 3)),
  // A leader epoch wider than int32 does not fit codec 1: that commit is written as a value.
  leaderEpoch: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constant(2 ** 33)),
  metadata,
  commitTimestamp: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  expireTimestamp: fc.oneof(fc.constant(null), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })),
});

const groupEvent: fc.Arbitrary<GroupEvent> = fc.oneof(
  { weight: 8, arbitrary: offsetCommitted },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('OffsetDeleted' as const), groupId: group, topic, partition }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('OffsetsExpired' as const),
      groupId: group,
      partitions: fc.array(fc.record({ topic, partition }), { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('GroupDeleted' as const), groupId: group }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('GroupCreated' as const), groupId: group, at: fc.integer({ min: 0, max: 10 ** 12 }) }) },
);

const txnEvent: fc.Arbitrary<TxnEvent> = fc.oneof(
  fc.record({
    type: fc.constant('TxnProducerInitialized' as const),
    txnId: fc.constant('tx'),
    producerId: fc.constant(1000n),
    previousProducerId: fc.constant(-1n),
    producerEpoch: fc.integer({ min: 0, max: 3 }),
    lastProducerEpoch: fc.constant(-1),
    timeoutMs: fc.constant(60000),
    at: fc.integer({ min: 0, max: 10 ** 12 }),
  }),
  fc.record({
    type: fc.constant('TxnOffsetsCommitted' as const),
    txnId: fc.constant('tx'),
    offsets: fc.array(
      fc.record({ groupId: group, topic, partition, offset: fc.nat(), leaderEpoch: fc.integer({ min: -1, max: 3 }), metadata, commitTimestamp: fc.nat() }),
      { maxLength: 3 },
    ),
    at: fc.nat(),
  }),
  fc.record({ type: fc.constant('TxnCompleted' as const), txnId: fc.constant('tx'), at: fc.nat() }),
  fc.record({ type: fc.constant('TxnOffsetsDropped' as const), groupId: group, partitions: fc.constant(null) }),
) as fc.Arbitrary<TxnEvent>;

const batches = fc.array(fc.array(fc.oneof({ weight: 6, arbitrary: groupEvent }, { weight: 1, arbitrary: txnEvent }), { minLength: 1, maxLength: 12 }), {
  minLength: 1,
  maxLength: 25,
});

test('issue 14 C4: a log replayed through the OffsetCommitted fast path folds to the same state as the event path (release-0.1 records first, several segments)', async () => {
  await fc.assert(
    fc.asyncProperty(batches, batches, async (old01, typed) => {
      const dir = tempDir();
      const written = writeRelease01Segment(dir, old01);
      // Small segments: the typed records span several, each with its own dictionary.
      const writer = new FileMetaLog(nfs, { dir, fsync: 'os', segmentBytes: 700, preallocate: false });
      expect(await writer.replay(0, () => undefined)).toBe(written);
      for (const b of typed) await writer.append(b);
      await writer.close();

      // Two copies, each opened afresh: the open's kept bytes feed each first replay.
      const a = tempDir();
      const b = tempDir();
      cpSync(dir, a, { recursive: true });
      cpSync(dir, b, { recursive: true });
      const byEvents = await viaEvents(new FileMetaLog(nfs, { dir: a, fsync: 'os', segmentBytes: 700, preallocate: false }));
      const byFastPath = await viaFastPath(new FileMetaLog(nfs, { dir: b, fsync: 'os', segmentBytes: 700, preallocate: false }));
      expect(byEvents.order.length).toBe(written + typed.reduce((n, x) => n + x.length, 0));
      expectSameState(byEvents, byFastPath);
    }),
    { numRuns: 60, seed },
  );
  // The property ran through the fast path, not only through events.
  expect(fastCalls).toBeGreaterThan(100);
}, 120_000);

test('issue 14 C4: the fast path of a log without replayTo (and of the in-memory fake) folds to the same state', async () => {
  await fc.assert(
    fc.asyncProperty(batches, async (typed) => {
      const memory = new MemoryMetaLog();
      for (const b of typed) await memory.append(b);
      const withoutFastPath: MetaLog = { replay: (from, fn) => memory.replay(from, fn) } as MetaLog;
      const byEvents = await viaEvents(memory);
      expectSameState(byEvents, await viaFastPath(memory));
      expectSameState(byEvents, await viaFastPath(withoutFastPath));
    }),
    { numRuns: 60, seed },
  );
});

test('issue 14 C4: a snapshot folded through the fast path (Snapshot.deliverTo) gives the same state as its events, with the log after it', async () => {
  let delivered = 0;
  await fc.assert(
    fc.asyncProperty(batches, batches, async (inSnapshot, after) => {
      const events = inSnapshot.flat();
      const snapshot = decodeSnapshot('prop', await encodeSnapshot({ position: events.length, events }));
      expect(snapshot.deliverTo).toBeDefined();
      const log = new MemoryMetaLog();
      for (const e of events) await log.append([e]);
      for (const b of after) await log.append(b);
      // The event path: the snapshot's events as objects, then the log's tail.
      const byEvents = newFolded(log);
      for (const e of snapshot.events) applyTo(byEvents)(e);
      await log.replay(snapshot.position, applyTo(byEvents));
      // The broker's path: `recover` with both fast paths.
      const fast = newFolded(log);
      const stored: Snapshot = { position: snapshot.position, count: snapshot.count, events: snapshot.events, deliverTo: (sink) => { delivered++; snapshot.deliverTo!(sink); } };
      const stats = await recover(log, { loadLatest: async () => stored, save: async () => undefined }, applyTo(fast), silentLogger, (g, t, p, o, le, m, ct, et) => {
        fast.order.push('OffsetCommitted');
        fast.groups.applyReplayedOffsetCommitted(g, t, p, o, le, m, ct, et);
      });
      expect(stats.snapshotEvents).toBe(events.length);
      expectSameState(byEvents, fast);
    }),
    { numRuns: 60, seed },
  );
  expect(delivered).toBe(60);
});

test('issue 14 C4: Snapshot.deliverTo of a damaged snapshot throws SnapshotDamagedError; what the sink throws stays its own', async () => {
  const commit: MetaEvent = { type: 'OffsetCommitted', groupId: 'g', topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null };
  const bytes = new Uint8Array(await encodeSnapshot({ position: 1, events: [commit] }));
  const snapshot = decodeSnapshot('s', bytes);
  expect(() => snapshot.deliverTo!({ event: () => undefined, offsetCommitted: () => { throw new Error('sink says no'); } })).toThrow(/^sink says no$/);
  // Bytes the checksum vouches for, cut short: the header re-sealed to say two events.
  const view = new DataView(bytes.buffer);
  view.setFloat64(16, 2, true);
  view.setUint32(44, crc32(bytes.subarray(0, 44)), true);
  expect(() => decodeSnapshot('forged', bytes).deliverTo!({ event: () => undefined, offsetCommitted: () => undefined })).toThrow(/snapshot forged unusable/);
});

test('issue 14 C4: a replay from a position inside a segment delivers exactly the events from there, both ways', async () => {
  const dir = tempDir();
  const log = new FileMetaLog(nfs, { dir, fsync: 'os', preallocate: false });
  await log.replay(0, () => undefined);
  const commit = (i: number): MetaEvent => ({
    type: 'OffsetCommitted', groupId: `g${i % 3}`, topic: 't', partition: i % 2, offset: i, leaderEpoch: -1, metadata: '', commitTimestamp: i, expireTimestamp: null,
  });
  await log.append([commit(0), commit(1), commit(2)]);
  await log.append([commit(3), { type: 'GroupDeleted', groupId: 'g1' }, commit(5)]);
  await log.close();
  const seenEvents: number[] = [];
  await new FileMetaLog(nfs, { dir, fsync: 'os', preallocate: false }).replay(2, (e) => seenEvents.push(e.type === 'OffsetCommitted' ? e.offset : -1));
  const seenFast: number[] = [];
  await new FileMetaLog(nfs, { dir, fsync: 'os', preallocate: false }).replayTo(2, {
    event: (e) => seenFast.push(e.type === 'OffsetCommitted' ? -2 : -1),
    offsetCommitted: (_g, _t, _p, offset) => seenFast.push(offset),
  });
  expect(seenEvents).toEqual([2, 3, -1, 5]);
  expect(seenFast).toEqual([2, 3, -1, 5]);
});

test('issue 14 C4: the release-0.1 fixture (type-1 records and a 0.1 snapshot) recovers to the same state both ways', async () => {
  const fixture = join(__dirname, '../../fixtures/metalog-0.1/data/metalog');
  const a = tempDir();
  const b = tempDir();
  cpSync(fixture, a, { recursive: true });
  cpSync(fixture, b, { recursive: true });
  const byEvents = await viaEvents(new FileMetaLog(nfs, { dir: a, fsync: 'os' }));
  const byFastPath = await viaFastPath(new FileMetaLog(nfs, { dir: b, fsync: 'os' }));
  expect(byEvents.groups.groupsState().groups.size).toBeGreaterThan(0);
  expect(byEvents.order).toContain('OffsetCommitted');
  expectSameState(byEvents, byFastPath);
});
