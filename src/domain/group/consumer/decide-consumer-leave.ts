/**
 * Leaving and fencing a KIP-848 member (KC-30…KC-32) and the timers that fence (KC-26, KC-28).
 */
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../error-code';
import type { ConsumerGroup } from './consumer-group';
import type { ConsumerGroupEvent, ConsumerLeftReason } from './consumer-events';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatResult, type ConversionContext } from './heartbeat-command';
import { downgradeEvents } from './convert-group';
import type { GroupEvent } from '../events';
import { computeSubscriptionMetadata, regexesInUse, sameMetadata, type TopicLookup } from './subscription';

/**
 * KC-30: the member's tombstones (PE-6), a regex nobody uses any more dropped, the subscription
 * metadata recomputed without it, and the group epoch bumped. The others converge through the next
 * target assignment, computed at the next heartbeat.
 */
export const fenceMember = (g: ConsumerGroup, memberId: string, reason: ConsumerLeftReason, topics: TopicLookup, now: number): ConsumerGroupEvent[] =>
  fenceMembers(g, [memberId], reason, topics, now);

/** KC-30 for several members at once (a LeaveGroup batch): one epoch bump. */
export const fenceMembers = (g: ConsumerGroup, memberIds: readonly string[], reason: ConsumerLeftReason, topics: TopicLookup, now: number): ConsumerGroupEvent[] => {
  const events: ConsumerGroupEvent[] = memberIds.map((memberId) => ({ type: 'ConsumerMemberLeft', groupId: g.groupId, memberId, reason, at: now }));
  const changes = new Map(memberIds.map((id) => [id, undefined] as const));
  const memberId = memberIds[0]!;
  const inUse = regexesInUse(g, changes);
  const regexes = new Map(g.regexes);
  for (const r of g.regexes.keys()) {
    if (inUse.has(r)) continue;
    regexes.delete(r);
    events.push({ type: 'RegexResolved', groupId: g.groupId, regex: r, topics: null, at: now });
  }
  const metadata = computeSubscriptionMetadata(g, changes, regexes, topics);
  if (!sameMetadata(metadata, g.subscriptionMetadata)) events.push({ type: 'SubscriptionMetadataChanged', groupId: g.groupId, topics: metadata, at: now });
  events.push({ type: 'GroupEpochBumped', groupId: g.groupId, epoch: g.groupEpoch + 1, trigger: { kind: 'MemberLeft', memberId, reason }, at: now });
  return events;
};

/** KC-30, or KC-62's downgrade when only classic-protocol members remain. */
export const removeMember = (g: ConsumerGroup, memberId: string, reason: ConsumerLeftReason, ctx: ConversionContext): GroupEvent[] =>
  downgradeEvents(g, memberId, reason, ctx) ?? fenceMember(g, memberId, reason, ctx.topics, ctx.now);

export interface ConsumerLeaveDecision {
  readonly events: GroupEvent[];
  readonly response: ConsumerHeartbeatResult;
}

/** KC-31 (epoch −1) and KC-32 (epoch −2, static members only). */
export const decideConsumerLeave = (
  cmd: ConsumerHeartbeatCommand,
  group: ConsumerGroup | undefined,
  ctx: ConversionContext,
): E.Either<ConsumerHeartbeatResult, ConsumerLeaveDecision> => {
  const now = ctx.now;
  if (group === undefined) return E.left(heartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${cmd.groupId} not found.`));
  const response: ConsumerHeartbeatResult = { errorCode: ErrorCode.NONE, errorMessage: null, memberId: cmd.memberId, memberEpoch: cmd.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  if (cmd.instanceId === null) {
    if (!group.members.has(cmd.memberId)) return E.left(heartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${cmd.memberId} is not a member of group ${cmd.groupId}.`));
    return E.right({ events: removeMember(group, cmd.memberId, 'Leave', ctx), response });
  }
  const staticId = group.staticMembers.get(cmd.instanceId);
  const member = staticId === undefined ? undefined : group.members.get(staticId);
  if (member === undefined) return E.left(heartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${cmd.instanceId} is unknown.`));
  if (member.memberId !== cmd.memberId) {
    return E.left(heartbeatError(ErrorCode.FENCED_INSTANCE_ID, `Instance id ${cmd.instanceId} is fenced by member ${member.memberId}.`));
  }
  if (cmd.memberEpoch === -1) return E.right({ events: removeMember(group, member.memberId, 'Leave', ctx), response });
  // KC-32: kept with epoch −2 and its assignment, pending revocations cleared, no epoch bump.
  const event: ConsumerGroupEvent = {
    type: 'MemberReconciled',
    groupId: group.groupId,
    memberId: member.memberId,
    memberEpoch: -2,
    previousMemberEpoch: member.previousMemberEpoch,
    state: member.state,
    assigned: member.assigned,
    pendingRevocation: [],
    at: now,
  };
  return E.right({ events: [event], response });
};

/** KC-28: the member's session expired; it is fenced (static members too, whatever their epoch). */
export const decideConsumerSessionExpiry = (g: ConsumerGroup, memberId: string, ctx: ConversionContext): GroupEvent[] =>
  g.members.has(memberId) ? removeMember(g, memberId, 'SessionTimeout', ctx) : [];

/** KC-26: the rebalance timer armed when the member entered UNREVOKED_PARTITIONS at `epoch` fired. */
export const decideRebalanceExpiry = (g: ConsumerGroup, memberId: string, epoch: number, ctx: ConversionContext): GroupEvent[] => {
  const m = g.members.get(memberId);
  if (m === undefined || m.memberEpoch !== epoch || m.state !== 'UNREVOKED_PARTITIONS') return [];
  return removeMember(g, memberId, 'RebalanceTimeout', ctx);
};
