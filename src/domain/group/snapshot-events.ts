import { forEachCommittedOffset } from './committed-offsets';
import type { GroupEvent } from './events';
import { toSnapshotData } from './group-snapshot';
import { toConsumerSnapshotData } from './consumer/consumer-snapshot';
import type { GroupsState } from './groups-state';
import type { HistoryState } from './history';

/**
 * Events that rebuild `state` and `history` from the initial state: one GroupSnapshot per group
 * (its aggregate and bounded history, PE-13) and the latest committed offset per partition,
 * tombstones applied, like Kafka's compacted records (PE-9). Folding them deep-equals the input.
 */
export const snapshotEvents = (state: GroupsState, history: HistoryState): GroupEvent[] => {
  const out: GroupEvent[] = [];
  for (const group of state.groups.values()) {
    const h = history.get(group.groupId) ?? null;
    if (group.kind === 'classic') out.push({ type: 'GroupSnapshot', groupId: group.groupId, group: toSnapshotData(group), history: h });
    else out.push({ type: 'ConsumerGroupSnapshot', groupId: group.groupId, group: toConsumerSnapshotData(group), history: h });
    forEachCommittedOffset(group.offsets, (o) => out.push({ type: 'OffsetCommitted', groupId: group.groupId, ...o }));
  }
  return out;
};
