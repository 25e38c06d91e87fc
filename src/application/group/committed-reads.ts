import type { GroupEvent } from '../../domain/group/events';
import { offsetKey, type CommittedOffset, type Group, type GroupsState } from '../../domain/group/groups-state';

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
    const remember = (groupId: string, key: string, group: Group | undefined): void => {
      let byKey = this.offsets.get(groupId);
      if (byKey === undefined) this.offsets.set(groupId, (byKey = new Map()));
      let list = byKey.get(key);
      if (list === undefined) byKey.set(key, (list = []));
      list.push(group?.offsets.get(key));
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
          remember(e.groupId, offsetKey(e.topic, e.partition), group);
          break;
        case 'OffsetsExpired':
          for (const p of e.partitions) remember(e.groupId, offsetKey(p.topic, p.partition), group);
          break;
        case 'GroupDeleted':
          if (group !== undefined) for (const key of group.offsets.keys()) remember(e.groupId, key, group);
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
  offset(groupId: string, key: string, live: Group | undefined): CommittedOffset | undefined {
    const list = this.offsets.get(groupId)?.get(key);
    if (list !== undefined) return list[0];
    return this.created.has(groupId) ? undefined : live?.offsets.get(key);
  }

  /** Every durable offset of a group, given the live group. */
  groupOffsets(groupId: string, live: Group | undefined): CommittedOffset[] {
    const pending = this.offsets.get(groupId);
    const out: CommittedOffset[] = [];
    if (!this.created.has(groupId) && live !== undefined) {
      for (const [key, o] of live.offsets) if (pending === undefined || !pending.has(key)) out.push(o);
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
