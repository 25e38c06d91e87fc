import { captureGroupOffsets, offsetCommittedEvents, type GroupOffsets } from './committed-offsets';
import type { GroupEvent } from './events';
import { captureGroup, capturedData, type CapturedGroup } from './group-snapshot';
import { toConsumerSnapshotData, type ConsumerGroupSnapshotData } from './consumer/consumer-snapshot';
import type { Group, GroupsState } from './groups-state';
import { expandHistory, type HistoryState, type StoredHistory } from './history';

export interface SnapshotPart {
  readonly groupId: string;
  readonly group: { readonly kind: 'classic'; readonly data: CapturedGroup } | { readonly kind: 'consumer'; readonly data: ConsumerGroupSnapshotData };
  readonly history: StoredHistory | null;
  readonly offsets: GroupOffsets;
}

/** One group's share of a snapshot, captured now: its aggregate, stored history and offset tables as they are. */
export const snapshotPart = (group: Group, history: HistoryState): SnapshotPart => ({
  groupId: group.groupId,
  group: group.kind === 'classic' ? { kind: 'classic', data: captureGroup(group) } : { kind: 'consumer', data: toConsumerSnapshotData(group) },
  history: history.get(group.groupId) ?? null,
  offsets: captureGroupOffsets(group.offsets),
});

/** The events of one captured group: its GroupSnapshot (or ConsumerGroupSnapshot), then its offsets. */
export function* snapshotPartEvents(p: SnapshotPart): Generator<GroupEvent> {
  // Members and stored histories are immutable values (a fold replaces them), so making their
  // snapshot form here, one group at a time, writes what they held when the part was captured (issue
  // 14: the aggregate keeps assignments as strings and history records as member columns).
  const h = p.history === null ? null : expandHistory(p.history);
  yield p.group.kind === 'classic'
    ? { type: 'GroupSnapshot', groupId: p.groupId, group: capturedData(p.group.data), history: h }
    : { type: 'ConsumerGroupSnapshot', groupId: p.groupId, group: p.group.data, history: h };
  yield* offsetCommittedEvents(p.groupId, p.offsets);
}

/**
 * Events that rebuild `state` and `history` from the initial state: one GroupSnapshot per group
 * (its aggregate and bounded history, PE-13) and the latest committed offset per partition,
 * tombstones applied, like Kafka's compacted records (PE-9). Folding them deep-equals the input.
 *
 * The content is fixed when this is called; the OffsetCommitted events are made only while they
 * are iterated (re-iterable), from the offset tables as captured (issue 14: a snapshot of 1 M offsets
 * held 1 M event objects while it was encoded; C6: then a copy of every table; now folds copy only
 * the tables they change while a snapshot holds them, see committed-offsets.ts).
 */
export const snapshotEvents = (state: GroupsState, history: HistoryState): Iterable<GroupEvent> => {
  const parts = [...state.groups.values()].map((g) => snapshotPart(g, history));
  return {
    *[Symbol.iterator]() {
      for (const p of parts) yield* snapshotPartEvents(p);
    },
  };
};
