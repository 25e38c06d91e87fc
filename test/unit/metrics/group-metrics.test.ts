import { GroupMetrics, generationBumps, type GroupReadApi } from '../../../src/adapters/metrics/group-metrics';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import type { ClassicGroupState } from '../../../src/domain/group/classic-group';
import { ErrorCode } from '../../../src/domain/error-code';
import type { GroupsState } from '../../../src/domain/group/groups-state';
import { newClassicGroup, type ClassicGroup, type ClassicMember } from '../../../src/domain/group/classic-group';
import { valueOf } from './metric-values';

/** A coordinator read API over plain data: groups with a live state, a generation and a member count. */
class FakeGroups implements GroupReadApi {
  groups = new Map<string, { state: ClassicGroupState; generation: number; members: number }>();
  loading = false;

  listGroups(): ReturnType<GroupReadApi['listGroups']> {
    if (this.loading) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] };
    return {
      errorCode: ErrorCode.NONE,
      groups: [...this.groups].map(([groupId, g]) => ({ groupId, protocolType: 'consumer', groupState: g.state, groupType: 'classic' as const })),
    };
  }

  liveState(): GroupsState {
    const groups = new Map<string, ClassicGroup>();
    for (const [groupId, g] of this.groups) {
      const rec = newClassicGroup(groupId, 0);
      rec.generation = g.generation;
      for (let i = 0; i < g.members; i++) rec.members.set(`m${i}`, { memberId: `m${i}`, protocols: [] } as unknown as ClassicMember);
      groups.set(groupId, rec);
    }
    return { groups };
  }
}

describe('group metrics, derived from the coordinator read API at scrape time', () => {
  it.each([
    ['first sighting counts the whole generation', [], [['g', 3]], 3],
    ['unchanged generation counts nothing', [['g', 3]], [['g', 3]], 0],
    ['a bump counts the difference', [['g', 3]], [['g', 5]], 2],
    ['a lower generation (deleted and re-created) counts the new one', [['g', 5]], [['g', 1]], 1],
    ['a vanished group counts nothing', [['g', 5]], [], 0],
    ['groups add up', [['a', 1]], [['a', 2], ['b', 1]], 2],
  ] as const)('generationBumps: %s', (_name, before, after, bumps) => {
    const result = generationBumps(new Map(before.map(([g, n]) => [g, n])), after.map(([g, n]) => [g, n] as const));
    expect(result.bumps).toBe(bumps);
    expect([...result.seen]).toEqual(after.map(([g, n]) => [g, n]));
  });

  it('exports every state (zeros included), the member total, and rebalances since the baseline', async () => {
    const fake = new FakeGroups();
    fake.groups.set('recovered', { state: 'Stable', generation: 7, members: 2 });
    const metrics = new PromMetrics({ defaultMetrics: false });
    const gm = new GroupMetrics(fake, metrics);
    gm.baseline();

    fake.groups.set('new', { state: 'CompletingRebalance', generation: 1, members: 0 });
    await metrics.scrape();
    expect(await valueOf(metrics, 'cohort_groups', { state: 'Stable' })).toBe(1);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'CompletingRebalance' })).toBe(1);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'Empty' })).toBe(0);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'PreparingRebalance' })).toBe(0);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'Dead' })).toBe(0);
    expect(await valueOf(metrics, 'cohort_group_members')).toBe(2);
    // Generation 7 came from recovery (baseline); only the new group's generation 1 is a rebalance here.
    expect(await valueOf(metrics, 'cohort_group_rebalances_total')).toBe(1);

    fake.groups.set('recovered', { state: 'PreparingRebalance', generation: 8, members: 2 });
    fake.groups.delete('new');
    await metrics.scrape();
    expect(await valueOf(metrics, 'cohort_groups', { state: 'Stable' })).toBe(0);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'CompletingRebalance' })).toBe(0);
    expect(await valueOf(metrics, 'cohort_groups', { state: 'PreparingRebalance' })).toBe(1);
    expect(await valueOf(metrics, 'cohort_group_rebalances_total')).toBe(2);
  });

  it('GEN-2: while the coordinator loads, the state gauges read zero', async () => {
    const fake = new FakeGroups();
    fake.groups.set('g', { state: 'Stable', generation: 1, members: 1 });
    fake.loading = true;
    const metrics = new PromMetrics({ defaultMetrics: false });
    new GroupMetrics(fake, metrics);
    await metrics.scrape();
    expect(await valueOf(metrics, 'cohort_groups', { state: 'Stable' })).toBe(0);
  });
});
