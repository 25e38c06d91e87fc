import type { ClassicGroup } from './classic-group';
import type { GroupEvent } from './events';
import type { GroupsState } from './groups-state';

/** Would folding GroupRecovered change this group? (PE-11: only then is it recorded.) */
const differsFromReload = (g: ClassicGroup): boolean => {
  if (g.base !== null || g.joined.size > 0 || g.trigger !== null) return true;
  if (g.state !== 'Empty' && g.state !== 'Stable') return true;
  for (const m of g.members.values()) {
    const only = m.protocols.length === 1 ? m.protocols[0]! : undefined;
    if (only === undefined || only.name !== g.protocolName || m.protocolType !== (g.protocolType ?? '')) return true;
  }
  return false;
};

/**
 * PE-11: the one pure step after replay that normalizes every group to what Kafka's reload of its
 * hard state gives — a rebalance in progress falls back to the last synced generation (or Empty),
 * members keep only the selected protocol — recorded as GroupRecovered where it changed something;
 * then CG-74: a group over `group.max.size` prepares a rebalance. Timers are the application's.
 */
export const recover = (state: GroupsState, now: number, maxSize: number): GroupEvent[] => {
  const events: GroupEvent[] = [];
  for (const g of state.groups.values()) {
    // KIP-848 groups reload as written: every event of theirs is a Kafka record (PE-5); only their
    // timers and the subscription-metadata freshness are soft, and the application restarts those.
    if (g.kind !== 'classic') continue;
    if (differsFromReload(g)) {
      events.push({
        type: 'GroupRecovered',
        groupId: g.groupId,
        fromState: g.state,
        fromGeneration: g.generation,
        generation: g.base?.generation ?? g.generation,
        at: now,
      });
    }
    const members = g.base?.members.size ?? g.members.size;
    if (members > maxSize) {
      events.push({ type: 'RebalanceStarted', groupId: g.groupId, trigger: { kind: 'GroupRecovered', reason: 'over-capacity' }, at: now });
    }
  }
  return events;
};
