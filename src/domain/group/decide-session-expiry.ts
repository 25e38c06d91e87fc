import type { ClassicGroup } from './classic-group';
import type { GroupEvent, MemberLeftReason } from './events';

/** Members removed outside a join phase send a Stable or CompletingRebalance group into a rebalance (CG-46, CG-49). */
const removeAndRebalance = (group: ClassicGroup, memberIds: readonly string[], reason: MemberLeftReason, now: number): GroupEvent[] => {
  const events: GroupEvent[] = memberIds.map((memberId) => ({ type: 'MemberLeft', groupId: group.groupId, memberId, reason, at: now }));
  if (memberIds.length > 0 && (group.state === 'Stable' || group.state === 'CompletingRebalance')) {
    events.push({ type: 'RebalanceStarted', groupId: group.groupId, trigger: { kind: 'MemberLeft', memberId: memberIds[0]!, reason }, at: now });
  }
  return events;
};

/**
 * CG-46 / CG-47: a member's session (or new-member join) timer fired. A member awaiting join or
 * sync is alive unless it is still new (`isNew`, plumbing: it has not completed a join yet);
 * `syncParked` says whether a SyncGroup of it is parked.
 */
export const decideSessionExpiry = (
  group: ClassicGroup,
  memberId: string,
  plumbing: { readonly isNew: boolean; readonly syncParked: boolean },
  now: number,
): GroupEvent[] => {
  if (!group.members.has(memberId)) return [];
  const awaiting = group.joined.has(memberId) || plumbing.syncParked;
  if (awaiting && !plumbing.isNew) return [];
  return removeAndRebalance(group, [memberId], 'SessionTimeout', now);
};

/**
 * CG-49: the sync timer of `generation` fired; members that never sent SyncGroup for it are
 * removed and the group rebalances. Nothing happens if the group moved on.
 */
export const decideSyncExpiry = (group: ClassicGroup, generation: number, unsynced: Iterable<string>, now: number): GroupEvent[] => {
  if (group.generation !== generation) return [];
  if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return [];
  const gone = [...unsynced].filter((id) => group.members.has(id));
  return removeAndRebalance(group, gone, 'SyncTimeout', now);
};
