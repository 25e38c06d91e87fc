/**
 * PE-9: a classic group aggregate as plain data for snapshots, and back. `fromSnapshotData(toSnapshotData(g))`
 * deep-equals `g` without its offsets (they travel as OffsetCommitted events).
 */
import { newClassicGroup, type ClassicGroup, type ClassicMember, type GroupBase } from './classic-group';
import type { GroupBaseData, GroupSnapshotData } from './events';

/** Members are immutable plain data: a snapshot and the aggregate may share them. */
const memberFromData = (m: ClassicMember): ClassicMember => ({ ...m, assignedPartitions: m.assignedPartitions ?? null });

const baseData = (b: GroupBase): GroupBaseData => ({
  state: b.state,
  stateTimestamp: b.stateTimestamp,
  protocolType: b.protocolType,
  protocolName: b.protocolName,
  generation: b.generation,
  leaderId: b.leaderId,
  members: [...b.members.values()],
});

const baseFromData = (b: GroupBaseData): GroupBase => ({
  state: b.state === 'Stable' ? 'Stable' : 'Empty',
  stateTimestamp: b.stateTimestamp,
  protocolType: b.protocolType,
  protocolName: b.protocolName,
  generation: b.generation,
  leaderId: b.leaderId,
  members: new Map(b.members.map((m) => [m.memberId, memberFromData(m)] as const)),
});

/** The aggregate (offsets excluded) as plain data. */
export const toSnapshotData = (g: ClassicGroup): GroupSnapshotData => ({
  state: g.state,
  previousState: g.previousState,
  stateTimestamp: g.stateTimestamp,
  protocolType: g.protocolType,
  protocolName: g.protocolName,
  generation: g.generation,
  leaderId: g.leaderId,
  members: [...g.members.values()],
  joined: [...g.joined],
  membersAdded: g.membersAdded,
  trigger: g.trigger,
  rebalanceStartedAt: g.rebalanceStartedAt,
  base: g.base === null ? null : baseData(g.base),
  subscribedTopics: g.subscribedTopics === null ? null : [...g.subscribedTopics],
});

/** Rebuilds the aggregate from its plain data; the static-member map is derived from the members. */
export const fromSnapshotData = (groupId: string, d: GroupSnapshotData): ClassicGroup => {
  const g = newClassicGroup(groupId, d.stateTimestamp);
  g.state = d.state;
  g.previousState = d.previousState;
  g.protocolType = d.protocolType;
  g.protocolName = d.protocolName;
  g.generation = d.generation;
  g.leaderId = d.leaderId;
  for (const m of d.members) {
    g.members.set(m.memberId, memberFromData(m));
    if (m.instanceId !== null) g.staticMembers.set(m.instanceId, m.memberId);
  }
  for (const id of d.joined) g.joined.add(id);
  g.membersAdded = d.membersAdded;
  g.trigger = d.trigger;
  g.rebalanceStartedAt = d.rebalanceStartedAt;
  g.base = d.base === null ? null : baseFromData(d.base);
  g.subscribedTopics = d.subscribedTopics === null ? null : new Set(d.subscribedTopics);
  return g;
};
