import 'reflect-metadata';
import { injectable } from 'inversify';
import type { JoinGroupResult, SyncGroupResult } from '../../domain/group/replies';

type Resolver<T> = (result: T) => void;

const parkIn = <T>(map: Map<string, Map<string, Array<Resolver<T>>>>, groupId: string, memberId: string): Promise<T> =>
  new Promise<T>((resolve) => {
    let byMember = map.get(groupId);
    if (byMember === undefined) map.set(groupId, (byMember = new Map()));
    const list = byMember.get(memberId);
    // A duplicate request while parked: both get the phase's answer.
    if (list === undefined) byMember.set(memberId, [resolve]);
    else list.push(resolve);
  });

const answerIn = <T>(map: Map<string, Map<string, Array<Resolver<T>>>>, groupId: string, memberId: string, result: T): boolean => {
  const byMember = map.get(groupId);
  const list = byMember?.get(memberId);
  if (list === undefined) return false;
  byMember!.delete(memberId);
  if (byMember!.size === 0) map.delete(groupId);
  for (const r of list) r(result);
  return true;
};

/**
 * Process plumbing of the classic protocol (PE-10): what cannot be an event because it belongs to a
 * request or a connection, not to the group — parked JoinGroup/SyncGroup responses, the KIP-394
 * pending member ids, the `isNew` mark of members that never completed a join (CG-47), who has not
 * yet sent SyncGroup for a generation (CG-49), and the durability of a generation's assignment
 * write. It holds no group state of its own: the aggregate is the GroupStore's.
 */
@injectable()
export class GroupPlumbing {
  private readonly joins = new Map<string, Map<string, Array<Resolver<JoinGroupResult>>>>();
  private readonly syncs = new Map<string, Map<string, Array<Resolver<SyncGroupResult>>>>();
  private readonly pending = new Map<string, Set<string>>();
  private readonly fresh = new Map<string, Set<string>>();
  private readonly unsynced = new Map<string, { readonly generation: number; readonly members: Set<string> }>();
  private readonly assignmentWrites = new Map<string, { readonly generation: number; readonly durable: Promise<boolean> }>();
  /** KIP-848 groups whose subscription metadata must be recomputed at their next heartbeat (KC-24, PE-11). */
  private readonly staleMetadata = new Set<string>();

  parkJoin(groupId: string, memberId: string): Promise<JoinGroupResult> {
    return parkIn(this.joins, groupId, memberId);
  }

  answerJoin(groupId: string, memberId: string, result: JoinGroupResult): void {
    answerIn(this.joins, groupId, memberId, result);
  }

  /** Members of the group with a parked JoinGroup. */
  parkedJoins(groupId: string): IterableIterator<string> {
    return (this.joins.get(groupId) ?? new Map<string, unknown>()).keys();
  }

  parkSync(groupId: string, memberId: string): Promise<SyncGroupResult> {
    return parkIn(this.syncs, groupId, memberId);
  }

  answerSync(groupId: string, memberId: string, result: SyncGroupResult): void {
    answerIn(this.syncs, groupId, memberId, result);
  }

  hasParkedSync(groupId: string, memberId: string): boolean {
    return this.syncs.get(groupId)?.has(memberId) === true;
  }

  /** Answers every parked SyncGroup of the group with `result(memberId)`. */
  answerAllSyncs(groupId: string, result: (memberId: string) => SyncGroupResult): void {
    const byMember = this.syncs.get(groupId);
    if (byMember === undefined) return;
    this.syncs.delete(groupId);
    for (const [memberId, list] of byMember) for (const r of list) r(result(memberId));
  }

  // KIP-394 pending member ids.
  addPending(groupId: string, memberId: string): void {
    let set = this.pending.get(groupId);
    if (set === undefined) this.pending.set(groupId, (set = new Set()));
    set.add(memberId);
  }

  isPending(groupId: string, memberId: string): boolean {
    return this.pending.get(groupId)?.has(memberId) === true;
  }

  hasPending(groupId: string): boolean {
    return (this.pending.get(groupId)?.size ?? 0) > 0;
  }

  dropPending(groupId: string, memberId: string): boolean {
    const set = this.pending.get(groupId);
    if (set === undefined || !set.delete(memberId)) return false;
    if (set.size === 0) this.pending.delete(groupId);
    return true;
  }

  pendingIds(groupId: string): string[] {
    return [...(this.pending.get(groupId) ?? [])];
  }

  // CG-47: members added by JoinGroup that have not completed a join phase yet.
  markNew(groupId: string, memberId: string, isNew: boolean): void {
    let set = this.fresh.get(groupId);
    if (isNew) {
      if (set === undefined) this.fresh.set(groupId, (set = new Set()));
      set.add(memberId);
    } else if (set !== undefined && set.delete(memberId) && set.size === 0) {
      this.fresh.delete(groupId);
    }
  }

  isNew(groupId: string, memberId: string): boolean {
    return this.fresh.get(groupId)?.has(memberId) === true;
  }

  // CG-49: who has not sent SyncGroup for the generation.
  expectSyncs(groupId: string, generation: number, members: Iterable<string>): void {
    this.unsynced.set(groupId, { generation, members: new Set(members) });
  }

  synced(groupId: string, memberId: string): void {
    const u = this.unsynced.get(groupId);
    // Once all synced the entry goes (it reads as "none unsynced", as an empty one does): a Stable
    // group holds no Set here (issue 14, C5: ~20 B per member).
    if (u !== undefined && u.members.delete(memberId) && u.members.size === 0) this.unsynced.delete(groupId);
  }

  unsyncedMembers(groupId: string, generation: number): string[] {
    const u = this.unsynced.get(groupId);
    return u === undefined || u.generation !== generation ? [] : [...u.members];
  }

  allSynced(groupId: string): boolean {
    return (this.unsynced.get(groupId)?.members.size ?? 0) === 0;
  }

  replaceUnsynced(groupId: string, oldId: string, newId: string): void {
    const u = this.unsynced.get(groupId);
    if (u !== undefined && u.members.delete(oldId)) u.members.add(newId);
  }

  // The leader's assignment write of a generation (a Stable answer waits for its durability).
  recordAssignmentWrite(groupId: string, generation: number, durable: Promise<boolean>): void {
    this.assignmentWrites.set(groupId, { generation, durable });
    void durable.then(() => {
      if (this.assignmentWrites.get(groupId)?.durable === durable) this.assignmentWrites.delete(groupId);
    });
  }

  assignmentWrite(groupId: string, generation: number): Promise<boolean> | null {
    const w = this.assignmentWrites.get(groupId);
    return w !== undefined && w.generation === generation ? w.durable : null;
  }

  // KC-24: topics changed (or the coordinator restarted) since the group's subscription metadata was computed.
  markMetadataStale(groupId: string): void {
    this.staleMetadata.add(groupId);
  }

  isMetadataStale(groupId: string): boolean {
    return this.staleMetadata.has(groupId);
  }

  metadataRefreshed(groupId: string): void {
    this.staleMetadata.delete(groupId);
  }

  /** The rebalance state of one generation is over (a new rebalance or the group's deletion). */
  endGeneration(groupId: string): void {
    this.unsynced.delete(groupId);
    this.assignmentWrites.delete(groupId);
  }

  /** Forgets the group's plumbing; parked requests get the given answers. */
  dropGroup(groupId: string, join: JoinGroupResult, sync: SyncGroupResult): void {
    for (const id of [...this.parkedJoins(groupId)]) this.answerJoin(groupId, id, join);
    this.answerAllSyncs(groupId, () => sync);
    this.pending.delete(groupId);
    this.fresh.delete(groupId);
    this.staleMetadata.delete(groupId);
    this.endGeneration(groupId);
  }

  /** Every group's plumbing is dropped (unload, failure). */
  dropAll(join: (memberId: string) => JoinGroupResult, sync: SyncGroupResult): void {
    for (const groupId of [...this.joins.keys(), ...this.syncs.keys()]) {
      for (const id of [...this.parkedJoins(groupId)]) this.answerJoin(groupId, id, join(id));
      this.answerAllSyncs(groupId, () => sync);
    }
    this.pending.clear();
    this.fresh.clear();
    this.unsynced.clear();
    this.assignmentWrites.clear();
    this.staleMetadata.clear();
  }
}
