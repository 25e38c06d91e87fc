import type { GroupEvent } from './events';
import { emptyGroupRecord, offsetKey, type GroupRecord, type GroupsState } from './groups-state';

const groupOrCreate = (state: GroupsState, groupId: string): GroupRecord => {
  let group = state.groups.get(groupId);
  if (group === undefined) {
    group = emptyGroupRecord(groupId);
    state.groups.set(groupId, group);
  }
  return group;
};

/**
 * Folds one event into the state, O(1) in the size of the group for everything but the
 * whole-group records. The maps of `state` are updated in place and `state` is returned: callers
 * hand over the previous value (STYLE.md: mutation confined to one fold step). Objects taken from
 * events (members, offsets) are never mutated, so two states may fold the same events safely.
 * Never validates: decide did (STYLE.md), so replay and live application are the same code.
 */
export const evolve = (state: GroupsState, event: GroupEvent): GroupsState => {
  switch (event.type) {
    case 'GroupCreated': {
      const group = groupOrCreate(state, event.groupId);
      group.currentStateTimestamp = event.at;
      return state;
    }
    case 'AssignmentsSynced': {
      // PE-7: a GroupMetadata value replaces the group's metadata wholesale; offsets are separate records.
      const group = groupOrCreate(state, event.groupId);
      group.protocolType = event.protocolType === '' ? null : event.protocolType;
      group.generation = event.generation;
      group.protocolName = event.protocolName;
      group.leaderId = event.leaderId;
      group.currentStateTimestamp = event.at;
      group.members.clear();
      for (const m of event.members) group.members.set(m.memberId, m);
      return state;
    }
    case 'GroupEmptied': {
      const group = groupOrCreate(state, event.groupId);
      group.protocolType = event.protocolType === '' ? null : event.protocolType;
      group.generation = event.generation;
      group.protocolName = null;
      group.leaderId = null;
      group.currentStateTimestamp = event.at;
      group.members.clear();
      return state;
    }
    case 'StaticMemberReplaced': {
      const group = groupOrCreate(state, event.groupId);
      const old = group.members.get(event.oldMemberId);
      group.members.delete(event.oldMemberId);
      group.members.set(event.newMemberId, {
        memberId: event.newMemberId,
        instanceId: event.instanceId,
        clientId: event.clientId,
        clientHost: event.clientHost,
        rebalanceTimeoutMs: event.rebalanceTimeoutMs,
        sessionTimeoutMs: event.sessionTimeoutMs,
        subscription: event.subscription,
        subscribedTopics: event.subscribedTopics,
        assignment: old === undefined ? new Uint8Array(0) : old.assignment,
      });
      if (group.leaderId === event.oldMemberId) group.leaderId = event.newMemberId;
      return state;
    }
    case 'OffsetCommitted': {
      const group = groupOrCreate(state, event.groupId);
      group.offsets.set(offsetKey(event.topic, event.partition), {
        topic: event.topic,
        partition: event.partition,
        offset: event.offset,
        leaderEpoch: event.leaderEpoch,
        metadata: event.metadata,
        commitTimestamp: event.commitTimestamp,
        expireTimestamp: event.expireTimestamp,
      });
      return state;
    }
    case 'OffsetDeleted': {
      state.groups.get(event.groupId)?.offsets.delete(offsetKey(event.topic, event.partition));
      return state;
    }
    case 'OffsetsExpired': {
      const group = state.groups.get(event.groupId);
      if (group !== undefined) for (const p of event.partitions) group.offsets.delete(offsetKey(p.topic, p.partition));
      return state;
    }
    case 'GroupDeleted': {
      state.groups.delete(event.groupId);
      return state;
    }
  }
};

/** Folds events, in order, into `state` (a fresh initial state when omitted). */
export const replay = (events: Iterable<GroupEvent>, state: GroupsState = { groups: new Map() }): GroupsState => {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
};
