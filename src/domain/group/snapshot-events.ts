import { copyGroupOffsets, offsetCommittedEvents, type GroupOffsets } from './committed-offsets';
import type { GroupEvent } from './events';
import { toSnapshotData } from './group-snapshot';
import { toConsumerSnapshotData } from './consumer/consumer-snapshot';
import type { GroupsState } from './groups-state';
import { expandHistory, type HistoryState, type StoredHistory } from './history';

/**
 * Events that rebuild `state` and `history` from the initial state: one GroupSnapshot per group
 * (its aggregate and bounded history, PE-13) and the latest committed offset per partition,
 * tombstones applied, like Kafka's compacted records (PE-9). Folding them deep-equals the input.
 *
 * The content is fixed when this is called; the OffsetCommitted events are made only while they
 * are iterated (re-iterable), from a copy of the offset tables (issue 14: a snapshot of 1 M offsets
 * held 1 M event objects while it was encoded; the copy is three arrays of numbers per topic).
 */
export const snapshotEvents = (state: GroupsState, history: HistoryState): Iterable<GroupEvent> => {
  const parts: Array<{ readonly head: GroupEvent; readonly history: StoredHistory | null; readonly offsets: GroupOffsets }> = [];
  for (const group of state.groups.values()) {
    const head: GroupEvent =
      group.kind === 'classic'
        ? { type: 'GroupSnapshot', groupId: group.groupId, group: toSnapshotData(group), history: null }
        : { type: 'ConsumerGroupSnapshot', groupId: group.groupId, group: toConsumerSnapshotData(group), history: null };
    parts.push({ head, history: history.get(group.groupId) ?? null, offsets: copyGroupOffsets(group.offsets) });
  }
  return {
    *[Symbol.iterator]() {
      for (const p of parts) {
        // A stored history is an immutable value (a fold replaces it), so expanding it here, one group
        // at a time, writes what it held when this was called (issue 14: records keep member columns).
        yield p.history === null ? p.head : { ...p.head, history: expandHistory(p.history) };
        yield* offsetCommittedEvents(p.head.groupId, p.offsets);
      }
    },
  };
};
