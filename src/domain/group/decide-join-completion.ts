/**
 * Completing the join phase (CG-30…CG-32): when everyone has rejoined, when the join timer fires,
 * and the KIP-134 initial delay (CG-31).
 */
import { allMembersJoined, type ClassicGroup, type ClassicMember } from './classic-group';
import type { GroupEvent } from './events';
import { selectProtocol } from './protocol-selection';

export interface JoinPhaseEnd {
  readonly events: GroupEvent[];
  /** Only static members that did not rejoin remain: wait another rebalance timeout (TS-41). */
  readonly stuck: boolean;
}

/** CG-32: remove dynamic members that did not rejoin, elect a leader that did, bump the generation. */
const completeJoinPhase = (group: ClassicGroup, now: number): JoinPhaseEnd => {
  const events: GroupEvent[] = [];
  const remaining: ClassicMember[] = [];
  for (const m of group.members.values()) {
    // CG-61: static members that did not rejoin are kept.
    if (!group.joined.has(m.memberId) && m.instanceId === null) {
      events.push({ type: 'MemberLeft', groupId: group.groupId, memberId: m.memberId, reason: 'JoinTimeout', at: now });
    } else {
      remaining.push(m);
    }
  }
  let leaderId: string | null = null;
  if (remaining.length > 0) {
    const current = group.leaderId !== null && group.joined.has(group.leaderId) ? group.leaderId : null;
    leaderId = current ?? remaining.find((m) => group.joined.has(m.memberId))?.memberId ?? null;
    if (leaderId === null) return { events, stuck: true };
  }
  events.push({
    type: 'GenerationBumped',
    groupId: group.groupId,
    generation: group.generation + 1,
    protocolType: group.protocolType,
    protocolName: remaining.length > 0 ? selectProtocol(remaining, leaderId) : null,
    leaderId,
    memberIds: remaining.map((m) => m.memberId),
    trigger: group.trigger,
    at: now,
  });
  return { events, stuck: false };
};

/**
 * CG-30: complete now? Only in PreparingRebalance, never during the initial rebalance (only the
 * delay timer ends it), and only when every member has rejoined and no MEMBER_ID_REQUIRED id is
 * still out (`hasPendingMembers`, plumbing of the application).
 */
export const decideJoinCompletion = (group: ClassicGroup, hasPendingMembers: boolean, now: number): GroupEvent[] => {
  if (group.state !== 'PreparingRebalance' || group.previousState === 'Empty') return [];
  if (hasPendingMembers || !allMembersJoined(group)) return [];
  return completeJoinPhase(group, now).events;
};

/** CG-50: the join timer (rebalance timeout) or the last initial-delay step fired. */
export const decideJoinDeadline = (group: ClassicGroup, now: number): JoinPhaseEnd =>
  group.state === 'PreparingRebalance' ? completeJoinPhase(group, now) : { events: [], stuck: false };

/** What the initial-delay timer remembers from when it was armed (CG-31). */
export interface InitialDelayArm {
  /** `membersAdded` of the group when the timer was armed. */
  readonly membersAdded: number;
  readonly remainingMs: number;
}

export type InitialDelayStep =
  | { readonly kind: 'extend'; readonly delayMs: number; readonly next: InitialDelayArm }
  | { readonly kind: 'complete' };

/** CG-31: the first arm of the initial delay when a group leaves Empty. */
export const initialDelayArm = (group: ClassicGroup, delayMs: number, rebalanceTimeoutMs: number): InitialDelayArm => ({
  membersAdded: group.membersAdded,
  remainingMs: Math.max(rebalanceTimeoutMs - delayMs, 0),
});

/**
 * CG-31 (KIP-134): when the delay fires, a member added since it was armed extends the phase by
 * another delay (never past the rebalance timeout); otherwise the join phase completes.
 */
export const decideInitialDelay = (group: ClassicGroup, armed: InitialDelayArm, delayMs: number): InitialDelayStep => {
  if (group.membersAdded > armed.membersAdded && armed.remainingMs > 0) {
    return {
      kind: 'extend',
      delayMs: Math.min(delayMs, armed.remainingMs),
      next: { membersAdded: group.membersAdded, remainingMs: Math.max(armed.remainingMs - delayMs, 0) },
    };
  }
  return { kind: 'complete' };
};
