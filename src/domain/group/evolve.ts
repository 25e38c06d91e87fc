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
import { initialGroupsState, offsetKey, type GroupsState } from './groups-state';

const groupOrCreate = (state: GroupsState, groupId: string, at: number | null): ClassicGroup => {
  let group = state.groups.get(groupId);
  if (group === undefined) {
    group = newClassicGroup(groupId, at);
    state.groups.set(groupId, group);
  }
  return group;
};

/**
 * Folds one event into the state. The maps of `state` are updated in place and `state` is
 * returned: callers hand over the previous value (STYLE.md: mutation confined to one fold step).
 * Objects taken from events (members, offsets) are never mutated, so two states may fold the same
 * events safely. Never validates: decide did (STYLE.md), so replay and live application are the
 * same code — and an event for a member that is gone is simply a no-op.
 */
export const evolve = (state: GroupsState, event: GroupEvent): GroupsState => {
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
    case 'OffsetCommitted':
      // PE-8: a commit for a missing group creates a simple group.
      groupOrCreate(state, event.groupId, null).offsets.set(offsetKey(event.topic, event.partition), {
        topic: event.topic,
        partition: event.partition,
        offset: event.offset,
        leaderEpoch: event.leaderEpoch,
        metadata: event.metadata,
        commitTimestamp: event.commitTimestamp,
        expireTimestamp: event.expireTimestamp,
      });
      return state;
    case 'OffsetDeleted':
      state.groups.get(event.groupId)?.offsets.delete(offsetKey(event.topic, event.partition));
      return state;
    case 'OffsetsExpired': {
      const group = state.groups.get(event.groupId);
      if (group !== undefined) for (const p of event.partitions) group.offsets.delete(offsetKey(p.topic, p.partition));
      return state;
    }
    case 'GroupDeleted':
      state.groups.delete(event.groupId);
      return state;
    case 'GroupSnapshot':
      state.groups.set(event.groupId, fromSnapshotData(event.groupId, event.group));
      return state;
  }
};

const withGroup = (state: GroupsState, groupId: string, f: (g: ClassicGroup) => void): void => {
  const g = state.groups.get(groupId);
  if (g !== undefined) f(g);
};

/** Folds events, in order, into `state` (a fresh initial state when omitted). */
export const replay = (events: Iterable<GroupEvent>, state: GroupsState = initialGroupsState()): GroupsState => {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
};
