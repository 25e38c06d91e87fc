import fc from 'fast-check';
import type { Assignor, AssignorMember, AssignorResult, AssignorTopic } from '../../../src/domain/group/assignors/assignor';
import { rangeAssignor } from '../../../src/domain/group/assignors/range-assignor';
import { uniformAssignor } from '../../../src/domain/group/assignors/uniform-assignor';

/**
 * Issue 12 acceptance: properties of the server-side assignors (KC-40, KC-41). Seeds are printed;
 * replay one with SEED=<n>.
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`assignors property seed=${seed} (replay with SEED=${seed})`);

const topicsArb = fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 4 }).map((sizes) => {
  const m = new Map<string, AssignorTopic>();
  sizes.forEach((p, i) => m.set(`T${i}`, { topicId: `T${i}`, name: `topic-${i}`, partitions: p }));
  return m;
});

/** Members with random subscriptions (possibly empty) and random, possibly conflicting, current targets. */
const groupArb = (homogeneous: boolean) =>
  topicsArb.chain((topics) => {
    const ids = [...topics.keys()];
    const sub = fc.subarray(ids);
    return fc.tuple(fc.constant(topics), fc.integer({ min: 1, max: 14 }), sub).chain(([t, n, common]) =>
      fc.tuple(
        fc.constant(t),
        fc.array(
          fc.record({
            topicIds: homogeneous ? fc.constant(common) : sub,
            static: fc.boolean(),
            current: fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: -1, max: 26 })), { maxLength: 10 }),
          }),
          { minLength: n, maxLength: n },
        ).map((ms) =>
          ms.map((m, i): AssignorMember => {
            const current = new Map<string, number[]>();
            for (const [topic, p] of m.current) current.set(topic, [...(current.get(topic) ?? []), p]);
            return { memberId: `m${i}`, instanceId: m.static ? `i${i}` : null, topicIds: m.topicIds, current };
          }),
        ),
      ),
    );
  });

/** Every subscribed partition assigned exactly once, and only to a subscriber. */
const exactlyOnce = (members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>, result: AssignorResult): void => {
  const owner = new Map<string, string>();
  for (const m of members) {
    const mine = result.get(m.memberId);
    expect(mine).toBeDefined();
    for (const [topicId, ps] of mine!) {
      expect(m.topicIds).toContain(topicId);
      for (const p of ps) {
        const k = `${topicId}/${p}`;
        expect(owner.has(k)).toBe(false);
        owner.set(k, m.memberId);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(topics.get(topicId)!.partitions);
      }
    }
  }
  for (const [topicId, t] of topics) {
    if (!members.some((m) => m.topicIds.includes(topicId))) continue;
    for (let p = 0; p < t.partitions; p++) expect(owner.has(`${topicId}/${p}`)).toBe(true);
  }
};

const size = (r: AssignorResult, id: string): number => [...(r.get(id) ?? new Map<string, number[]>()).values()].reduce((n, ps) => n + ps.length, 0);
const key = (m: AssignorMember) => [...m.topicIds].sort().join(',');
const asCurrent = (r: AssignorResult, id: string): Map<string, number[]> => new Map(r.get(id) ?? []);
const owners = (r: AssignorResult): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [id, byTopic] of r) for (const [t, ps] of byTopic) for (const p of ps) out.set(`${t}/${p}`, id);
  return out;
};

describe.each([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
] as Array<[string, Assignor]>)('KC-40 / KC-41 %s assignor', (_name, assignor) => {
  test('every subscribed partition is assigned exactly once, to a member subscribed to its topic (KC-42: no others)', () => {
    fc.assert(
      fc.property(groupArb(false), ([topics, members]) => exactlyOnce(members, topics, assignor(members, topics))),
      { seed, numRuns: 300 },
    );
  });
});

describe('KC-40 uniform assignor balance and stickiness', () => {
  test('members with equal subscriptions differ by at most one partition (any mix of subscriptions and current targets)', () => {
    fc.assert(
      fc.property(groupArb(false), ([topics, members]) => {
        const r = uniformAssignor(members, topics);
        const bySub = new Map<string, number[]>();
        for (const m of members) bySub.set(key(m), [...(bySub.get(key(m)) ?? []), size(r, m.memberId)]);
        for (const sizes of bySub.values()) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { seed, numRuns: 300 },
    );
  });

  test('stickiness: a member leaving moves only its own partitions; a member joining takes partitions only for itself', () => {
    fc.assert(
      fc.property(groupArb(true), fc.nat(), ([topics, initial], pick) => {
        // A stable starting point: the assignor's own balanced answer.
        const first = uniformAssignor(initial, topics);
        const stable = initial.map((m) => ({ ...m, current: asCurrent(first, m.memberId) }));
        const before = owners(first);
        if (stable.length > 1) {
          const leaver = stable[pick % stable.length]!;
          const rest = stable.filter((m) => m !== leaver);
          const after = owners(uniformAssignor(rest, topics));
          for (const [k, was] of before) if (was !== leaver.memberId) expect([k, after.get(k)]).toEqual([k, was]);
        }
        const joiner: AssignorMember = { memberId: 'new', instanceId: null, topicIds: stable[0]!.topicIds, current: new Map() };
        const after = owners(uniformAssignor([...stable, joiner], topics));
        for (const [k, now] of after) if (before.get(k) !== now) expect([k, now]).toEqual([k, 'new']);
      }),
      { seed, numRuns: 300 },
    );
  });
});
