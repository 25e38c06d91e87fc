import { newClassicGroup, type ClassicGroup } from './classic-group';
import type { GroupEvent } from './events';
import {
  foldAssignmentsSynced,
  foldGenerationBumped,
  foldGroupEmptied,
  foldGroupRecovered,
  foldMemberJoined,
  foldMemberLeft,
  foldMemberUpdated,
  foldRebalanceStarted,
  foldStaticMemberReplaced,
} from './evolve-membership';
import { fromSnapshotData } from './group-snapshot';
import { putCommittedOffset, removeCommittedOffset } from './committed-offsets';
import { initialGroupsState, type Group, type GroupsState } from './groups-state';
import { newConsumerGroup, type ConsumerGroup } from './consumer/consumer-group';
import type { ConsumerGroupEvent } from './consumer/consumer-events';
import { fromConsumerSnapshotData } from './consumer/consumer-snapshot';
import { evolveConsumer } from './consumer/evolve-consumer';

/**
 * The classic group the event is about, created if missing. A consumer group under the same id can
 * only be an Empty one that a JoinGroup replaces (CG-21): the new classic group keeps its offsets.
 */
const groupOrCreate = (state: GroupsState, groupId: string, at: number | null): ClassicGroup => {
  const existing = state.groups.get(groupId);
  if (existing !== undefined && existing.kind === 'classic') return existing;
  const group = newClassicGroup(groupId, at, existing?.offsets);
  state.groups.set(groupId, group);
  return group;
};

/**
 * The consumer group a KIP-848 event is about. A record creates the group (PE-8: it replaces a
 * classic group held under the id, keeping its offsets); a tombstone of a missing group is a no-op.
 */
const consumerGroupFor = (state: GroupsState, e: ConsumerGroupEvent): ConsumerGroup | undefined => {
  const existing = state.groups.get(e.groupId);
  if (existing !== undefined && existing.kind === 'consumer') return existing;
  if (e.type === 'ConsumerMemberLeft' || e.type === 'MemberReconciled') return undefined;
  const group = newConsumerGroup(e.groupId, existing?.offsets);
  state.groups.set(e.groupId, group);
  return group;
};

/**
 * OffsetCommitted (OF-6) given as its fields: `evolve(state, { type: 'OffsetCommitted', … })` without
 * the event object, for a replay that decodes commits straight from the log (issue 14, C4). PE-8: a
 * commit for a missing group creates a simple group.
 */
export const evolveOffsetCommitted = (
  state: GroupsState,
  groupId: string,
  topic: string,
  partition: number,
  offset: number,
  leaderEpoch: number,
  metadata: string,
  commitTimestamp: number,
  expireTimestamp: number | null,
): GroupsState => {
  // The group's lookup is written out here, not a helper: one call fewer per commit while a replay runs unoptimized.
  let group: Group | undefined = state.groups.get(groupId);
  if (group === undefined) {
    group = newClassicGroup(groupId, null);
    state.groups.set(groupId, group);
  }
  putCommittedOffset(group.offsets, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
  return state;
};

const foldOffsetCommitted = (state: GroupsState, e: Extract<GroupEvent, { type: 'OffsetCommitted' }>): GroupsState =>
  evolveOffsetCommitted(state, e.groupId, e.topic, e.partition, e.offset, e.leaderEpoch, e.metadata, e.commitTimestamp, e.expireTimestamp);

/**
 * Folds one event into the state. The maps of `state` are updated in place and `state` is
 * returned: callers hand over the previous value (STYLE.md: mutation confined to one fold step).
 * Objects taken from events (members) are never mutated, so two states may fold the same
 * events safely. Never validates: decide did (STYLE.md), so replay and live application are the
 * same code — and an event for a member that is gone is simply a no-op.
 */
export const evolve = (state: GroupsState, event: GroupEvent): GroupsState => {
  // Most of a MetaLog is commits (C4): they skip the dispatch below.
  if (event.type === 'OffsetCommitted') return foldOffsetCommitted(state, event);
  switch (event.type) {
    case 'GroupCreated':
      groupOrCreate(state, event.groupId, event.at).stateTimestamp = event.at;
      return state;
    case 'MemberJoined':
      foldMemberJoined(groupOrCreate(state, event.groupId, event.at), event);
      return state;
    case 'MemberUpdated':
      withGroup(state, event.groupId, (g) => foldMemberUpdated(g, event));
      return state;
    case 'MemberLeft':
      withGroup(state, event.groupId, (g) => foldMemberLeft(g, event));
      return state;
    case 'RebalanceStarted':
      withGroup(state, event.groupId, (g) => foldRebalanceStarted(g, event));
      return state;
    case 'GenerationBumped':
      withGroup(state, event.groupId, (g) => foldGenerationBumped(g, event));
      return state;
    case 'AssignmentsSynced':
      foldAssignmentsSynced(groupOrCreate(state, event.groupId, event.at), event);
      return state;
    case 'GroupEmptied':
      foldGroupEmptied(groupOrCreate(state, event.groupId, event.at), event);
      return state;
    case 'StaticMemberReplaced':
      withGroup(state, event.groupId, (g) => foldStaticMemberReplaced(g, event));
      return state;
    case 'GroupRecovered':
      withGroup(state, event.groupId, foldGroupRecovered);
      return state;
    case 'OffsetDeleted': {
      const group = state.groups.get(event.groupId);
      if (group !== undefined) removeCommittedOffset(group.offsets, event.topic, event.partition);
      return state;
    }
    case 'OffsetsExpired': {
      const group = state.groups.get(event.groupId);
      if (group !== undefined) for (const p of event.partitions) removeCommittedOffset(group.offsets, p.topic, p.partition);
      return state;
    }
    case 'GroupDeleted':
      state.groups.delete(event.groupId);
      return state;
    case 'GroupSnapshot':
      state.groups.set(event.groupId, fromSnapshotData(event.groupId, event.group));
      return state;
    case 'ConsumerGroupSnapshot':
      state.groups.set(event.groupId, fromConsumerSnapshotData(event.groupId, event.group));
      return state;
    default: {
      const g = consumerGroupFor(state, event);
      if (g !== undefined) evolveConsumer(g, event);
      return state;
    }
  }
};

const withGroup = (state: GroupsState, groupId: string, f: (g: ClassicGroup) => void): void => {
  const g = state.groups.get(groupId);
  if (g !== undefined && g.kind === 'classic') f(g);
};

/** Folds events, in order, into `state` (a fresh initial state when omitted). */
export const replay = (events: Iterable<GroupEvent>, state: GroupsState = initialGroupsState()): GroupsState => {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
};
