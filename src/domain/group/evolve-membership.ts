/**
 * Folds of the classic membership events (PE-10) into one group, in place (STYLE.md: mutation
 * confined to one fold step). Each is O(1) in the size of the group, except the once-per-rebalance
 * steps (capturing the hard state, resetting assignments, a generation bump).
 */
import { classicMember, groupMate, latin1, metadataFor, sharingWith, type ClassicGroup, type ClassicMember, type GroupBase } from './classic-group';
import type { GroupEvent, SyncedMember } from './events';
import { computeSubscribedTopics } from './protocol-selection';

type EventOf<T extends GroupEvent['type']> = Extract<GroupEvent, { type: T }>;


/**
 * PE-7 / PE-11: before the first membership change after a hard record, remember that record's
 * state — what a reload would give — so `recover` can fall back to it. Empty and Stable groups are
 * their own hard state; the capture is a shallow copy of the member map (members are immutable).
 */
const ensureBase = (g: ClassicGroup): void => {
  if (g.base !== null) return;
  const base: GroupBase = {
    state: g.members.size > 0 ? 'Stable' : 'Empty',
    stateTimestamp: g.stateTimestamp,
    protocolType: g.protocolType,
    protocolName: g.protocolName,
    generation: g.generation,
    leaderId: g.leaderId,
    members: new Map(g.members),
  };
  g.base = base;
};

const removeMember = (g: ClassicGroup, memberId: string): ClassicMember | undefined => {
  const m = g.members.get(memberId);
  if (m === undefined) return undefined;
  g.members.delete(memberId);
  g.joined.delete(memberId);
  if (m.instanceId !== null && g.staticMembers.get(m.instanceId) === memberId) g.staticMembers.delete(m.instanceId);
  return m;
};

/** CG-5: when the leader goes, the first remaining member (map order, deterministic) leads. */
const reelectLeader = (g: ClassicGroup): void => {
  if (g.leaderId !== null && g.members.has(g.leaderId)) return;
  const next = g.members.keys().next();
  g.leaderId = next.done === true ? null : next.value;
};

export const foldMemberJoined = (g: ClassicGroup, e: EventOf<'MemberJoined'>): void => {
  ensureBase(g);
  let assignment = '';
  let assignedPartitions: number | null = null;
  let inheritsLeadership = false;
  if (e.replacedMemberId !== null) {
    // CG-60: the new id takes over the old member's assignment and leadership.
    inheritsLeadership = g.leaderId === e.replacedMemberId;
    const old = removeMember(g, e.replacedMemberId);
    if (old !== undefined) {
      assignment = old.assignmentLatin1;
      assignedPartitions = old.assignedPartitions;
    }
  }
  // CG-7: the protocol type is (re)set by the first member of a member-less group.
  if (g.members.size === 0) g.protocolType = e.protocolType;
  const member: ClassicMember = {
    memberId: e.memberId,
    instanceId: e.instanceId,
    clientId: e.clientId,
    clientHost: e.clientHost,
    rebalanceTimeoutMs: e.rebalanceTimeoutMs,
    sessionTimeoutMs: e.sessionTimeoutMs,
    protocolType: e.protocolType,
    protocols: e.protocols,
    assignmentLatin1: assignment,
    assignedPartitions,
  };
  g.members.set(e.memberId, sharingWith(member, groupMate(g)));
  if (e.instanceId !== null) g.staticMembers.set(e.instanceId, e.memberId);
  g.joined.add(e.memberId);
  // CG-5: the first member of a leaderless group leads; a replacing static member keeps the lead.
  if (inheritsLeadership || g.leaderId === null) g.leaderId = e.memberId;
  g.membersAdded++;
};

export const foldMemberUpdated = (g: ClassicGroup, e: EventOf<'MemberUpdated'>): void => {
  const old = g.members.get(e.memberId);
  if (old === undefined) return;
  ensureBase(g);
  const updated: ClassicMember = {
    ...old,
    clientId: e.clientId,
    clientHost: e.clientHost,
    protocolType: e.protocolType,
    protocols: e.protocols ?? old.protocols,
    rebalanceTimeoutMs: e.rebalanceTimeoutMs,
    sessionTimeoutMs: e.sessionTimeoutMs,
  };
  g.members.set(e.memberId, sharingWith(updated, groupMate(g)));
  g.joined.add(e.memberId);
};

export const foldMemberLeft = (g: ClassicGroup, e: EventOf<'MemberLeft'>): void => {
  if (!g.members.has(e.memberId)) return;
  ensureBase(g);
  removeMember(g, e.memberId);
  reelectLeader(g);
};

export const foldRebalanceStarted = (g: ClassicGroup, e: EventOf<'RebalanceStarted'>): void => {
  ensureBase(g);
  if (g.state === 'CompletingRebalance') {
    // CG-27: the assignments the leader may be computing are void.
    for (const m of g.members.values()) g.members.set(m.memberId, classicMember({ ...m, assignmentLatin1: '', assignedPartitions: null }));
  }
  g.previousState = g.state;
  g.state = 'PreparingRebalance';
  g.stateTimestamp = e.at;
  g.trigger = e.trigger;
  g.rebalanceStartedAt = e.at;
};

export const foldGenerationBumped = (g: ClassicGroup, e: EventOf<'GenerationBumped'>): void => {
  ensureBase(g);
  g.generation = e.generation;
  g.joined.clear();
  g.trigger = null;
  g.rebalanceStartedAt = null;
  g.previousState = g.state;
  g.stateTimestamp = e.at;
  if (e.memberIds.length === 0) {
    // CG-13 / PE-3(c): Kafka persists the member-less group: it is its own hard state again.
    g.state = 'Empty';
    g.protocolName = null;
    g.leaderId = null;
    g.subscribedTopics = new Set();
    g.base = null;
    return;
  }
  g.state = 'CompletingRebalance';
  g.protocolName = e.protocolName;
  g.leaderId = e.leaderId;
  g.subscribedTopics = computeSubscribedTopics(g.protocolType, g.protocolName, g.members.values());
};

/** A member rebuilt from a GroupMetadata record: it supports only the selected protocol (PE-7). */
const memberFromRecord = (m: SyncedMember, protocolType: string, protocolName: string): ClassicMember => ({
  memberId: m.memberId,
  instanceId: m.instanceId,
  clientId: m.clientId,
  clientHost: m.clientHost,
  rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  sessionTimeoutMs: m.sessionTimeoutMs,
  protocolType,
  protocols: [{ name: protocolName, metadata: m.subscription, topics: m.subscribedTopics }],
  assignmentLatin1: latin1(m.assignment),
  assignedPartitions: m.assignedPartitions ?? null,
});

const finishRebalance = (g: ClassicGroup, at: number | null): void => {
  g.previousState = g.state;
  g.state = g.members.size > 0 ? 'Stable' : 'Empty';
  g.stateTimestamp = at;
  g.base = null;
  g.joined.clear();
  g.trigger = null;
  g.rebalanceStartedAt = null;
};

export const foldAssignmentsSynced = (g: ClassicGroup, e: EventOf<'AssignmentsSynced'>): void => {
  if (g.state === 'CompletingRebalance' && g.generation === e.generation) {
    // CG-42: the members of the generation get the leader's assignment (omitted ones: empty bytes).
    const byId = new Map<string, SyncedMember>();
    for (const s of e.members) byId.set(s.memberId, s);
    for (const m of g.members.values()) {
      const s = byId.get(m.memberId);
      g.members.set(m.memberId, classicMember({ ...m, assignmentLatin1: s === undefined ? '' : latin1(s.assignment), assignedPartitions: s?.assignedPartitions ?? null }));
    }
  } else {
    // PE-7: a GroupMetadata value replaces the group's metadata wholesale (logs and snapshots of
    // releases before the event core hold nothing else).
    g.members.clear();
    g.staticMembers.clear();
    const protocolType = e.protocolType;
    for (const s of e.members) {
      g.members.set(s.memberId, sharingWith(memberFromRecord(s, protocolType, e.protocolName), groupMate(g)));
      if (s.instanceId !== null) g.staticMembers.set(s.instanceId, s.memberId);
    }
  }
  g.protocolType = e.protocolType === '' ? null : e.protocolType;
  g.generation = e.generation;
  g.protocolName = e.protocolName;
  g.leaderId = e.leaderId;
  g.subscribedTopics = computeSubscribedTopics(g.protocolType, g.protocolName, g.members.values());
  finishRebalance(g, e.at);
};

export const foldStaticMemberReplaced = (g: ClassicGroup, e: EventOf<'StaticMemberReplaced'>): void => {
  const old = g.members.get(e.oldMemberId);
  const wasJoined = g.joined.has(e.oldMemberId);
  if (old !== undefined) removeMember(g, e.oldMemberId);
  const member: ClassicMember = {
    memberId: e.newMemberId,
    instanceId: e.instanceId,
    clientId: e.clientId,
    clientHost: e.clientHost,
    rebalanceTimeoutMs: e.rebalanceTimeoutMs,
    sessionTimeoutMs: e.sessionTimeoutMs,
    protocolType: g.protocolType ?? '',
    protocols: e.protocols ?? [{ name: g.protocolName ?? '', metadata: e.subscription, topics: e.subscribedTopics }],
    assignmentLatin1: old?.assignmentLatin1 ?? '',
    assignedPartitions: old?.assignedPartitions ?? null,
  };
  g.members.set(e.newMemberId, sharingWith(member, groupMate(g)));
  g.staticMembers.set(e.instanceId, e.newMemberId);
  if (wasJoined) g.joined.add(e.newMemberId);
  if (g.leaderId === e.oldMemberId) g.leaderId = e.newMemberId;
};

/** Legacy CG-13 record of releases before the event core: the group is Empty at `generation`. */
export const foldGroupEmptied = (g: ClassicGroup, e: EventOf<'GroupEmptied'>): void => {
  g.protocolType = e.protocolType === '' ? null : e.protocolType;
  g.generation = e.generation;
  g.protocolName = null;
  g.leaderId = null;
  g.members.clear();
  g.staticMembers.clear();
  g.subscribedTopics = new Set();
  finishRebalance(g, e.at);
};

/**
 * PE-11: what Kafka reloads. A rebalance in progress falls back to the captured hard state; every
 * member keeps only the selected protocol, with the group's protocol type.
 */
export const foldGroupRecovered = (g: ClassicGroup): void => {
  const base = g.base;
  if (base !== null) {
    g.members.clear();
    for (const m of base.members.values()) g.members.set(m.memberId, m);
    g.generation = base.generation;
    g.protocolType = base.protocolType;
    g.protocolName = base.protocolName;
    g.leaderId = base.leaderId;
    g.stateTimestamp = base.stateTimestamp;
  }
  g.staticMembers.clear();
  let mate: ClassicMember | undefined;
  for (const m of [...g.members.values()]) {
    if (m.instanceId !== null) g.staticMembers.set(m.instanceId, m.memberId);
    mate = sharingWith({ ...m, protocolType: g.protocolType ?? '', protocols: [metadataFor(m, g.protocolName)] }, mate);
    g.members.set(m.memberId, mate);
  }
  g.subscribedTopics =
    g.members.size === 0 ? new Set() : computeSubscribedTopics(g.protocolType, g.protocolName, g.members.values());
  finishRebalance(g, g.stateTimestamp);
  g.previousState = g.state;
};
