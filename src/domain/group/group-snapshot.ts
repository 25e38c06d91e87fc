/**
 * PE-9: a classic group aggregate as plain data for snapshots, and back. `fromSnapshotData(toSnapshotData(g))`
 * deep-equals `g` without its offsets (they travel as OffsetCommitted events).
 */
import { latin1, latin1Bytes, newClassicGroup, sharingWith, type ClassicGroup, type ClassicMember, type GroupBase } from './classic-group';
import type { GroupBaseData, GroupSnapshotData, MemberData } from './events';

/**
 * A decoded member shares equal protocols and strings with the member decoded before it
 * (`sharingWith`, issue 14).
 */
const membersFromData = (members: readonly MemberData[]): ClassicMember[] => {
  const out: ClassicMember[] = [];
  let mate: ClassicMember | undefined;
  for (const d of members) {
    const m: ClassicMember = {
      memberId: d.memberId,
      instanceId: d.instanceId,
      clientId: d.clientId,
      clientHost: d.clientHost,
      rebalanceTimeoutMs: d.rebalanceTimeoutMs,
      sessionTimeoutMs: d.sessionTimeoutMs,
      protocolType: d.protocolType,
      protocols: d.protocols,
      assignmentLatin1: latin1(d.assignment),
      assignedPartitions: d.assignedPartitions ?? null,
    };
    mate = sharingWith(m, mate);
    out.push(mate);
  }
  return out;
};

/** A member as snapshots hold it: the same fields in the same order as before issue 14, bytes for the assignment. */
const memberData = (m: ClassicMember): MemberData => ({
  memberId: m.memberId,
  instanceId: m.instanceId,
  clientId: m.clientId,
  clientHost: m.clientHost,
  rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  sessionTimeoutMs: m.sessionTimeoutMs,
  protocolType: m.protocolType,
  protocols: m.protocols,
  assignment: latin1Bytes(m.assignmentLatin1),
  assignedPartitions: m.assignedPartitions,
});

/**
 * A group's snapshot data with its members still as (immutable) member values: `snapshotEvents`
 * captures every group at once and makes the members' data one group at a time while it is written.
 */
export interface CapturedGroup extends Omit<GroupSnapshotData, 'members' | 'base'> {
  readonly members: readonly ClassicMember[];
  readonly base: (Omit<GroupBaseData, 'members'> & { readonly members: readonly ClassicMember[] }) | null;
}

const capturedBase = (b: GroupBase): CapturedGroup['base'] => ({
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

/** The aggregate (offsets excluded) as plain data, members not yet converted (O(members) references). */
export const captureGroup = (g: ClassicGroup): CapturedGroup => ({
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
  base: g.base === null ? null : capturedBase(g.base),
  subscribedTopics: g.subscribedTopics === null ? null : [...g.subscribedTopics],
});

/** A captured group as snapshot data (same fields and order as the captured object). */
export const capturedData = (c: CapturedGroup): GroupSnapshotData => ({
  ...c,
  members: c.members.map(memberData),
  base: c.base === null ? null : { ...c.base, members: c.base.members.map(memberData) },
});

/** The aggregate (offsets excluded) as plain data. */
export const toSnapshotData = (g: ClassicGroup): GroupSnapshotData => capturedData(captureGroup(g));

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
