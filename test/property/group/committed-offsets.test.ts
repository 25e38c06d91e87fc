import fc from 'fast-check';
import {
  committedOffset,
  emptyGroupOffsets,
  hasCommittedOffset,
  listCommittedOffsets,
  putCommittedOffset,
  removeCommittedOffset,
  type CommittedOffset,
  type GroupOffsets,
} from '../../../src/domain/group/committed-offsets';
import type { GroupEvent } from '../../../src/domain/group/events';
import { replay } from '../../../src/domain/group/evolve';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`committed-offsets property seed=${seed} (replay with SEED=${seed})`);

type Op =
  | { readonly kind: 'commit'; readonly o: CommittedOffset }
  | { readonly kind: 'delete'; readonly topic: string; readonly partition: number }
  | { readonly kind: 'expire'; readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }> };

const topic = fc.constantFrom('t', 'u', 'v');
// Mostly small partitions, sometimes one far away (a sparse table) — the adapters allow any existing partition.
const partition = fc.oneof({ weight: 6, arbitrary: fc.nat(6) }, { weight: 1, arbitrary: fc.constantFrom(63, 1000, 70_000) });
const offsetArb: fc.Arbitrary<CommittedOffset> = fc.record({
  topic,
  partition,
  offset: fc.oneof(fc.nat(), fc.constant(0), fc.constant(-1), fc.constant(Number.MAX_SAFE_INTEGER)),
  leaderEpoch: fc.integer({ min: -1, max: 5 }),
  metadata: fc.oneof(fc.constant(''), fc.string({ maxLength: 3 })),
  commitTimestamp: fc.oneof(fc.nat(1000), fc.constant(1_764_000_000_000)),
  expireTimestamp: fc.option(fc.nat(2000), { nil: null }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: offsetArb.map((o) => ({ kind: 'commit' as const, o })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), topic, partition }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), partitions: fc.array(fc.record({ topic, partition }), { maxLength: 4 }) }) },
);

const key = (t: string, p: number) => `${t}\u0000${p}`;
const sorted = (list: readonly CommittedOffset[]) => [...list].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));

/** The model: what the aggregate held before issue 14, a Map of offset objects keyed by topic and partition. */
const applyModel = (model: Map<string, CommittedOffset>, op: Op): void => {
  if (op.kind === 'commit') model.set(key(op.o.topic, op.o.partition), op.o);
  else if (op.kind === 'delete') model.delete(key(op.topic, op.partition));
  else for (const p of op.partitions) model.delete(key(p.topic, p.partition));
};

const applyTable = (t: GroupOffsets, op: Op): void => {
  if (op.kind === 'commit') {
    const o = op.o;
    putCommittedOffset(t, o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata, o.commitTimestamp, o.expireTimestamp);
  } else if (op.kind === 'delete') removeCommittedOffset(t, op.topic, op.partition);
  else for (const p of op.partitions) removeCommittedOffset(t, p.topic, p.partition);
};

const toEvent = (op: Op): GroupEvent =>
  op.kind === 'commit'
    ? { type: 'OffsetCommitted', groupId: 'g', ...op.o }
    : op.kind === 'delete'
      ? { type: 'OffsetDeleted', groupId: 'g', topic: op.topic, partition: op.partition }
      : { type: 'OffsetsExpired', groupId: 'g', partitions: op.partitions };

describe('committed-offset tables (issue 14)', () => {
  test('agree with a Map of offset objects under any sequence of commits, deletes and expiries', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.array(fc.record({ topic, partition }), { minLength: 1, maxLength: 5 }), (ops, probes) => {
        const model = new Map<string, CommittedOffset>();
        const table = emptyGroupOffsets();
        for (const op of ops) {
          applyModel(model, op);
          applyTable(table, op);
          expect(table.size).toBe(model.size);
        }
        expect(sorted(listCommittedOffsets(table))).toEqual(sorted([...model.values()]));
        for (const p of [...probes, ...ops.flatMap((op) => (op.kind === 'commit' ? [op.o] : op.kind === 'delete' ? [op] : op.partitions))]) {
          expect(committedOffset(table, p.topic, p.partition)).toEqual(model.get(key(p.topic, p.partition)));
          expect(hasCommittedOffset(table, p.topic, p.partition)).toBe(model.has(key(p.topic, p.partition)));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  test('are canonical: rebuilding from the listing deep-equals the table, and so does the fold of the same events (PE-9)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const table = emptyGroupOffsets();
        for (const op of ops) applyTable(table, op);
        const rebuilt = emptyGroupOffsets();
        for (const o of listCommittedOffsets(table)) applyTable(rebuilt, { kind: 'commit', o });
        expect(rebuilt).toEqual(table);
        for (const t of table.topics.values()) {
          // No array ends in a hole; an optional array is null rather than empty; no empty table.
          for (const a of [t.offset, t.leaderEpoch, t.commitTimestamp, t.expireTimestamp, t.metadata]) {
            if (a !== null) expect(a.length > 0 && a[a.length - 1] !== undefined).toBe(true);
          }
        }
        const folded = replay(ops.map(toEvent)).groups.get('g');
        if (folded !== undefined) expect(folded.offsets).toEqual(table);
      }),
      { seed: seed + 1, numRuns: 300 },
    );
  });
});
