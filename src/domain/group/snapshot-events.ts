import type { GroupEvent } from './events';
import type { GroupsState } from './groups-state';

/**
 * Events that rebuild `state` from the initial state: the latest value per key, tombstones applied,
 * like Kafka's compacted records (PE-9). `replay(snapshotEvents(s))` deep-equals `s`.
 */
export const snapshotEvents = (state: GroupsState): GroupEvent[] => {
  const out: GroupEvent[] = [];
  for (const group of state.groups.values()) {
    if (group.members.size > 0 && group.protocolName !== null && group.leaderId !== null) {
      out.push({
        type: 'AssignmentsSynced',
        groupId: group.groupId,
        generation: group.generation,
        protocolType: group.protocolType ?? '',
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        members: [...group.members.values()],
        at: group.currentStateTimestamp ?? 0,
      });
    } else {
      out.push({
        type: 'GroupEmptied',
        groupId: group.groupId,
        generation: group.generation,
        protocolType: group.protocolType,
        at: group.currentStateTimestamp,
      });
    }
    for (const o of group.offsets.values()) out.push({ type: 'OffsetCommitted', groupId: group.groupId, ...o });
  }
  return out;
};
