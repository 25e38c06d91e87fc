import type { ClassicGroupState } from '../../domain/group/classic-group';
import type { GroupsState } from '../../domain/group/groups-state';
import type { ListGroupsQuery, ListGroupsResult } from '../../application/group/group-api';
import type { Metrics } from '../../ports/metrics';

/** The coordinator's public read API that the group gauges are derived from (no hot-path hooks). */
export interface GroupReadApi {
  listGroups(query: ListGroupsQuery): ListGroupsResult;
  liveState(): Pick<GroupsState, 'groups'>;
}

/** Every state is exported, at 0 when no group is in it, so a dashboard never sees a series vanish. */
const STATES: readonly ClassicGroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/**
 * Generation bumps between two samples of every group's generation. A group seen for the first time
 * counts its whole generation; a group whose generation went down was deleted and re-created, and
 * counts its new generation. Returns the bumps and the sample to compare the next one with.
 */
export const generationBumps = (
  previous: ReadonlyMap<string, number>,
  current: Iterable<readonly [string, number]>,
): { readonly bumps: number; readonly seen: Map<string, number> } => {
  let bumps = 0;
  const seen = new Map<string, number>();
  for (const [groupId, generation] of current) {
    const before = previous.get(groupId) ?? 0;
    bumps += generation >= before ? generation - before : generation;
    seen.set(groupId, generation);
  }
  return { bumps, seen };
};

const generations = function* (state: Pick<GroupsState, 'groups'>): Iterable<readonly [string, number]> {
  for (const g of state.groups.values()) yield [g.groupId, g.kind === 'classic' ? g.generation : g.groupEpoch];
};

/**
 * Keeps `cohort_groups{state}`, `cohort_group_members` and `cohort_group_rebalances_total` up to
 * date at each scrape. Call `baseline()` once recovery has loaded the groups, so generations
 * replayed from the MetaLog are not counted as rebalances of this process.
 */
export class GroupMetrics {
  private lastGenerations = new Map<string, number>();

  constructor(
    private readonly groups: GroupReadApi,
    private readonly metrics: Metrics,
  ) {
    metrics.beforeScrape(() => this.refresh());
  }

  /** Takes the current generations as the zero point of the rebalance counter. */
  baseline(): void {
    this.lastGenerations = generationBumps(new Map(), generations(this.groups.liveState())).seen;
  }

  /** Samples the coordinator into the gauges and the rebalance counter. */
  refresh(): void {
    const byState = new Map<string, number>(STATES.map((s) => [s, 0]));
    // While the MetaLog loads, listGroups answers an error and no groups: the gauges read 0 then.
    for (const g of this.groups.listGroups({ statesFilter: [], typesFilter: [] }).groups) {
      byState.set(g.groupState, (byState.get(g.groupState) ?? 0) + 1);
    }
    for (const [state, n] of byState) this.metrics.set('cohort_groups', n, { state });
    const live = this.groups.liveState();
    let members = 0;
    for (const g of live.groups.values()) members += g.members.size;
    this.metrics.set('cohort_group_members', members);
    const { bumps, seen } = generationBumps(this.lastGenerations, generations(live));
    this.lastGenerations = seen;
    if (bumps > 0) this.metrics.increment('cohort_group_rebalances_total', undefined, bumps);
  }
}
