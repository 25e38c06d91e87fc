/**
 * PE-9: a classic group aggregate as plain data for snapshots, and back. `fromSnapshotData(toSnapshotData(g))`
 * deep-equals `g` without its offsets (they travel as OffsetCommitted events).
 */
import { newClassicGroup, sharingWith, type ClassicGroup, type ClassicMember, type GroupBase } from './classic-group';
import type { GroupBaseData, GroupSnapshotData } from './events';

/**
 * Members are immutable plain data: a snapshot and the aggregate may share them. A decoded member
 * shares equal protocols and strings with the member decoded before it (`sharingWith`, issue 14).
 */
const membersFromData = (members: readonly ClassicMember[]): ClassicMember[] => {
  const out: ClassicMember[] = [];
  let mate: ClassicMember | undefined;
  for (const m of members) {
    mate = sharingWith(m, mate);
    out.push(mate);
  }
  return out;
};

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
  members: new Map(membersFromData(b.members).map((m) => [m.memberId, m] as const)),
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
  for (const m of membersFromData(d.members)) {
    g.members.set(m.memberId, m);
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
