/**
 * JoinGroup (CG-20…CG-28, CG-60): a command and the group in, an error reply or events and what
 * to do with the request out. Completing the join phase is `decide-join-completion.ts`.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../error-code';
import { metadataFor, newClassicGroup, sameProtocols, type ClassicGroup, type ClassicMember } from './classic-group';
import type { GroupEvent, RebalanceTrigger } from './events';
import { validateIdentity } from './member-identity';
import { selectProtocol, supportsProtocols } from './protocol-selection';
import { joinError, type JoinGroupCommand, type JoinGroupMember, type JoinGroupResult } from './replies';

export interface JoinSettings {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** `group.max.size` (CG-23). */
  readonly maxSize: number;
}

export interface JoinContext extends JoinSettings {
  readonly now: number;
  /** A fresh id for a new member (GEN-8); randomness belongs to the application. */
  readonly newMemberId: string;
  /** The request's member id is a MEMBER_ID_REQUIRED id not yet rejoined (KIP-394 plumbing). */
  readonly isPendingMember: boolean;
}

export type JoinOutcome =
  /** Answer now (once the events are durable if any is hard state). */
  | { readonly kind: 'reply'; readonly result: JoinGroupResult }
  /** Park the request: the join phase answers it (CG-33). */
  | { readonly kind: 'park'; readonly memberId: string }
  /** KIP-394: answer MEMBER_ID_REQUIRED and remember the id as pending for its session timeout. */
  | { readonly kind: 'pending'; readonly memberId: string; readonly sessionTimeoutMs: number };

export interface JoinDecision {
  readonly events: readonly GroupEvent[];
  readonly outcome: JoinOutcome;
  /** The request's member id stops being a pending id (promoted, or rejected by CG-23). */
  readonly dropPending: boolean;
}

const decision = (events: readonly GroupEvent[], outcome: JoinOutcome, dropPending = false): E.Either<JoinGroupResult, JoinDecision> =>
  E.right({ events, outcome, dropPending });

/** The member list the leader receives: every member with its metadata of the selected protocol (CG-33). */
export const leaderMemberList = (members: Iterable<ClassicMember>, protocolName: string | null): JoinGroupMember[] => {
  const out: JoinGroupMember[] = [];
  for (const m of members) out.push({ memberId: m.memberId, groupInstanceId: m.instanceId, metadata: metadataFor(m, protocolName).metadata });
  return out;
};

/** CG-23 group.max.size. */
const acceptsJoiningMember = (group: ClassicGroup, memberId: string, maxSize: number): boolean => {
  switch (group.state) {
    case 'Empty':
      return true;
    case 'PreparingRebalance':
      return group.joined.has(memberId) || group.joined.size < maxSize;
    default:
      return group.members.has(memberId) || group.members.size < maxSize;
  }
};

/**
 * CG-3: JoinGroup v0 has no rebalance timeout and the session timeout stands in. Cohort does the same
 * for a rebalance timeout ≤ 0, which some clients' low-level APIs send when the caller gives none:
 * Kafka would arm a 0 ms pending-sync timer and drop the member before its SyncGroup arrives
 * (issue 13 item 5, docs/protocol-notes.md).
 */
const rebalanceTimeoutOf = (cmd: JoinGroupCommand): number =>
  cmd.rebalanceTimeoutMs !== null && cmd.rebalanceTimeoutMs > 0 ? cmd.rebalanceTimeoutMs : cmd.sessionTimeoutMs;

const rebalanceFrom = (group: ClassicGroup, trigger: RebalanceTrigger, now: number): GroupEvent[] =>
  group.state === 'PreparingRebalance' ? [] : [{ type: 'RebalanceStarted', groupId: group.groupId, trigger, at: now }];

const memberJoined = (cmd: JoinGroupCommand, memberId: string, replacedMemberId: string | null, now: number): GroupEvent => ({
  type: 'MemberJoined',
  groupId: cmd.groupId,
  memberId,
  instanceId: cmd.groupInstanceId,
  clientId: cmd.clientId,
  clientHost: cmd.clientHost,
  protocolType: cmd.protocolType,
  protocols: cmd.protocols,
  sessionTimeoutMs: cmd.sessionTimeoutMs,
  rebalanceTimeoutMs: rebalanceTimeoutOf(cmd),
  replacedMemberId,
  at: now,
});

/**
 * JoinGroup against `group` (undefined = no such group). Left = an error reply with nothing
 * changed; Right = events to append and what to do with the request.
 */
export const decideJoin = (cmd: JoinGroupCommand, existing: ClassicGroup | undefined, ctx: JoinContext): E.Either<JoinGroupResult, JoinDecision> => {
  if (cmd.groupId === '') return E.left(joinError(cmd.memberId, ErrorCode.INVALID_GROUP_ID));
  if (cmd.sessionTimeoutMs < ctx.minSessionTimeoutMs || cmd.sessionTimeoutMs > ctx.maxSessionTimeoutMs) {
    return E.left(joinError(cmd.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
  }
  const created: GroupEvent[] = [];
  let group = existing;
  if (group === undefined) {
    // CG-22: only a new member creates a group.
    if (cmd.memberId !== '') return E.left(joinError(cmd.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    group = newClassicGroup(cmd.groupId, ctx.now);
    created.push({ type: 'GroupCreated', groupId: cmd.groupId, at: ctx.now });
  }
  if (!acceptsJoiningMember(group, cmd.memberId, ctx.maxSize)) {
    // CG-23: the rejected id leaves the group (member or pending id).
    const left: GroupEvent[] = group.members.has(cmd.memberId)
      ? [{ type: 'MemberLeft', groupId: cmd.groupId, memberId: cmd.memberId, reason: 'GroupMaxSize', at: ctx.now }]
      : [];
    return decision([...created, ...left], { kind: 'reply', result: joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED) }, true);
  }
  const names = cmd.protocols.map((p) => p.name);
  if (cmd.memberId === '') {
    if (!supportsProtocols(group, cmd.protocolType, names)) return E.left(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return joinNewMember(cmd, group, ctx, created);
  }
  if (!supportsProtocols(group, cmd.protocolType, names)) return E.left(joinError(cmd.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  if (ctx.isPendingMember) {
    // CG-25: a MEMBER_ID_REQUIRED id comes back: it becomes a member (a pending id is never static).
    return decision(addMember(cmd, group, cmd.memberId, ctx.now), { kind: 'park', memberId: cmd.memberId }, true);
  }
  return joinKnownMember(cmd, group, ctx);
};

/** CG-26: add the member, then rebalance unless one is being prepared. */
const addMember = (cmd: JoinGroupCommand, group: ClassicGroup, memberId: string, now: number): GroupEvent[] => [
  memberJoined(cmd, memberId, null, now),
  ...rebalanceFrom(group, { kind: 'MemberJoined', memberId, replacedMemberId: null }, now),
];

/** CG-24. */
const joinNewMember = (cmd: JoinGroupCommand, group: ClassicGroup, ctx: JoinContext, created: GroupEvent[]): E.Either<JoinGroupResult, JoinDecision> => {
  const newId = ctx.newMemberId;
  if (cmd.groupInstanceId !== null) {
    const oldId = group.staticMembers.get(cmd.groupInstanceId);
    if (oldId !== undefined) return replaceStaticMember(cmd, group, oldId, ctx);
    return decision([...created, ...addMember(cmd, group, newId, ctx.now)], { kind: 'park', memberId: newId });
  }
  if (cmd.apiVersion >= 4) {
    // KIP-394: the client must come back with this id; the group is not touched.
    return decision(created, { kind: 'pending', memberId: newId, sessionTimeoutMs: cmd.sessionTimeoutMs });
  }
  return decision([...created, ...addMember(cmd, group, newId, ctx.now)], { kind: 'park', memberId: newId });
};

const memberUpdated = (cmd: JoinGroupCommand, member: ClassicMember, now: number): GroupEvent => ({
  type: 'MemberUpdated',
  groupId: cmd.groupId,
  memberId: member.memberId,
  clientId: cmd.clientId,
  clientHost: cmd.clientHost,
  protocolType: cmd.protocolType,
  // Unchanged protocols are not written again: a rejoin storm of a large group stays small.
  protocols: sameProtocols(member.protocols, cmd.protocols) ? null : cmd.protocols,
  sessionTimeoutMs: cmd.sessionTimeoutMs,
  rebalanceTimeoutMs: rebalanceTimeoutOf(cmd),
  at: now,
});

/** CG-25: the current generation, answered at once (members only to the leader, and only if asked). */
const currentGeneration = (group: ClassicGroup, memberId: string, membersToLeader: boolean): JoinGroupResult => ({
  errorCode: ErrorCode.NONE,
  memberId,
  generationId: group.generation,
  protocolType: group.protocolType,
  protocolName: group.protocolName,
  leader: group.leaderId ?? '',
  skipAssignment: false,
  members: membersToLeader && group.leaderId === memberId ? leaderMemberList(group.members.values(), group.protocolName) : [],
});

/** CG-25. */
const joinKnownMember = (cmd: JoinGroupCommand, group: ClassicGroup, ctx: JoinContext): E.Either<JoinGroupResult, JoinDecision> => {
  const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(identity)) return E.left(joinError(cmd.memberId, identity.left.code));
  const member = group.members.get(cmd.memberId)!;
  const same = sameProtocols(member.protocols, cmd.protocols);
  const rejoin = (change: 'metadata' | 'leader-rejoin') =>
    decision([memberUpdated(cmd, member, ctx.now), ...rebalanceFrom(group, { kind: 'MemberUpdated', memberId: member.memberId, change }, ctx.now)], {
      kind: 'park',
      memberId: member.memberId,
    });
  switch (group.state) {
    case 'PreparingRebalance':
      return decision([memberUpdated(cmd, member, ctx.now)], { kind: 'park', memberId: member.memberId });
    case 'CompletingRebalance':
      return same ? decision([], { kind: 'reply', result: currentGeneration(group, member.memberId, true) }) : rejoin('metadata');
    case 'Stable':
      // The leader's rejoin always rebalances: it lets the leader react to metadata changes.
      if (group.leaderId === member.memberId) return rejoin(same ? 'leader-rejoin' : 'metadata');
      return same ? decision([], { kind: 'reply', result: currentGeneration(group, member.memberId, false) }) : rejoin('metadata');
    default:
      return E.left(joinError(cmd.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
};

/** CG-60 static member replacement. */
const replaceStaticMember = (cmd: JoinGroupCommand, group: ClassicGroup, oldId: string, ctx: JoinContext): E.Either<JoinGroupResult, JoinDecision> => {
  const newId = ctx.newMemberId;
  const old = group.members.get(oldId)!;
  const replacement: ClassicMember = {
    ...old,
    memberId: newId,
    clientId: cmd.clientId,
    clientHost: cmd.clientHost,
    protocolType: cmd.protocolType,
    protocols: cmd.protocols,
    rebalanceTimeoutMs: rebalanceTimeoutOf(cmd),
    sessionTimeoutMs: cmd.sessionTimeoutMs,
  };
  const after = [...group.members.values()].map((m) => (m.memberId === oldId ? replacement : m));
  const leaderAfter = group.leaderId === oldId ? newId : group.leaderId;
  if (group.state === 'Stable' && selectProtocol(after, leaderAfter) === group.protocolName) {
    // PE-3(d): no rebalance; the replacement is hard state, answered once durable.
    const selected = metadataFor(replacement, group.protocolName);
    const event: GroupEvent = {
      type: 'StaticMemberReplaced',
      groupId: group.groupId,
      instanceId: cmd.groupInstanceId!,
      oldMemberId: oldId,
      newMemberId: newId,
      clientId: replacement.clientId,
      clientHost: replacement.clientHost,
      rebalanceTimeoutMs: replacement.rebalanceTimeoutMs,
      sessionTimeoutMs: replacement.sessionTimeoutMs,
      subscription: selected.metadata,
      subscribedTopics: selected.topics,
      protocols: cmd.protocols,
      at: ctx.now,
    };
    const isLeader = leaderAfter === newId;
    const kip814 = cmd.apiVersion >= 9;
    return decision([event], {
      kind: 'reply',
      result: {
        errorCode: ErrorCode.NONE,
        memberId: newId,
        generationId: group.generation,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        // Before KIP-814 an old client must never believe it is the leader.
        leader: (kip814 ? leaderAfter : group.leaderId) ?? '',
        skipAssignment: kip814 && isLeader,
        members: kip814 && isLeader ? leaderMemberList(after, group.protocolName) : [],
      },
    });
  }
  // Stable with a protocol change, or CompletingRebalance (the leader may hold assignments for the
  // old id): rebalance. PreparingRebalance: the new id simply joins the phase.
  const trigger: RebalanceTrigger = { kind: 'MemberJoined', memberId: newId, replacedMemberId: oldId };
  return decision([memberJoined(cmd, newId, oldId, ctx.now), ...rebalanceFrom(group, trigger, ctx.now)], { kind: 'park', memberId: newId });
};
