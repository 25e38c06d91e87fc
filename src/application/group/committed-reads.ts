import type { GroupEvent } from '../../domain/group/events';
import { committedOffset, forEachCommittedOffset } from '../../domain/group/committed-offsets';
import type { CommittedOffset, Group, GroupsState } from '../../domain/group/groups-state';

/** Overlay key of a partition's offset (topic names cannot contain NUL). */
const offsetKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

interface Undo {
  readonly groupId: string;
  readonly key: string;
}

/**
 * GEN-6 / PE-9 in miniature (Kafka's snapshot registry): reads see the state as of the last durable
 * event, while writes fold into one live aggregate at once. For every batch in flight this keeps
 * what its events overwrote — the previous value of each offset key, and which groups it created —
 * so a committed read looks through the overlay to the durable value. Batches become durable in
 * order (MetaLog contract), so each key's list of overwritten values is a FIFO. Steady state: empty.
 */
export class CommittedReads {
  /** groupId → key → previous values, oldest first, one per in-flight write of that key. */
  private readonly offsets = new Map<string, Map<string, Array<CommittedOffset | undefined>>>();
  /** Groups created by a batch still in flight → that batch's sequence number. */
  private readonly created = new Map<string, number>();
  private readonly batches: Array<{ readonly seq: number; readonly undo: Undo[]; readonly created: string[] }> = [];

  /** Records what `events` (batch `seq`) will overwrite; call before folding them into `state`. */
  record(seq: number, events: readonly GroupEvent[], state: GroupsState): void {
    const undo: Undo[] = [];
    const created: string[] = [];
    const seen = new Set<string>();
    const remember = (groupId: string, topic: string, partition: number, group: Group | undefined): void => {
      const key = offsetKey(topic, partition);
      let byKey = this.offsets.get(groupId);
      if (byKey === undefined) this.offsets.set(groupId, (byKey = new Map()));
      let list = byKey.get(key);
      if (list === undefined) byKey.set(key, (list = []));
      // A value, not a view: the group's offset tables change in place when the batch folds.
      list.push(group === undefined ? undefined : committedOffset(group.offsets, topic, partition));
      undo.push({ groupId, key });
    };
    for (const e of events) {
      if (!seen.has(e.groupId)) {
        seen.add(e.groupId);
        if (!state.groups.has(e.groupId) && e.type !== 'GroupDeleted') {
          created.push(e.groupId);
          this.created.set(e.groupId, seq);
        }
      }
      const group = state.groups.get(e.groupId);
      switch (e.type) {
        case 'OffsetCommitted':
        case 'OffsetDeleted':
          remember(e.groupId, e.topic, e.partition, group);
          break;
        case 'OffsetsExpired':
          for (const p of e.partitions) remember(e.groupId, p.topic, p.partition, group);
          break;
        case 'GroupDeleted':
          if (group !== undefined) forEachCommittedOffset(group.offsets, (o) => remember(e.groupId, o.topic, o.partition, group));
          break;
        default:
          break;
      }
    }
    if (undo.length > 0 || created.length > 0) this.batches.push({ seq, undo, created });
  }

  /** Batch `seq` (and every earlier one) is durable: its overwritten values are history now. */
  durable(seq: number): void {
    while (this.batches.length > 0 && this.batches[0]!.seq <= seq) {
      const batch = this.batches.shift()!;
      for (const u of batch.undo) {
        const byKey = this.offsets.get(u.groupId)!;
        const list = byKey.get(u.key)!;
        list.shift();
        if (list.length === 0) {
          byKey.delete(u.key);
          if (byKey.size === 0) this.offsets.delete(u.groupId);
        }
      }
      for (const g of batch.created) if (this.created.get(g) === batch.seq) this.created.delete(g);
    }
  }

  /** Is the group's creation durable (GEN-6: a group not yet durable reads as Dead)? */
  isDurable(groupId: string): boolean {
    return !this.created.has(groupId);
  }

  /** The durable offset of a partition, given the live group. */
  offset(groupId: string, topic: string, partition: number, live: Group | undefined): CommittedOffset | undefined {
    const list = this.offsets.get(groupId)?.get(offsetKey(topic, partition));
    if (list !== undefined) return list[0];
    return this.created.has(groupId) || live === undefined ? undefined : committedOffset(live.offsets, topic, partition);
  }

  /** Every durable offset of a group, given the live group. */
  groupOffsets(groupId: string, live: Group | undefined): CommittedOffset[] {
    const pending = this.offsets.get(groupId);
    const out: CommittedOffset[] = [];
    if (!this.created.has(groupId) && live !== undefined) {
      forEachCommittedOffset(live.offsets, (o) => {
        if (pending === undefined || !pending.has(offsetKey(o.topic, o.partition))) out.push(o);
      });
    }
    if (pending !== undefined) for (const list of pending.values()) if (list[0] !== undefined) out.push(list[0]);
    return out;
  }

  /** Forget everything (load, failure). */
  clear(): void {
    this.offsets.clear();
    this.created.clear();
    this.batches.length = 0;
  }
}
