/**
 * The part of a KIP-848 member's request that both ConsumerGroupHeartbeat (KC-23…KC-26) and a
 * classic member's JoinGroup to a KIP-848 group (KC-60) share, in Kafka's order: member metadata
 * (and regex resolution), subscription metadata and the group epoch, the target assignment when the
 * group epoch is ahead, then one reconciliation step of this member.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../error-code';
import { holds, sameAssignment, type Assignment } from './assignment';
import {
  isReconciledTo,
  newConsumerMember,
  partitionEpoch,
  regexOf,
  type ConsumerGroup,
  type ConsumerMember,
  type ConsumerMemberAssignment,
  type ConsumerMemberMetadata,
} from './consumer-group';
import type { ConsumerGroupEvent, EpochTrigger } from './consumer-events';
import { heartbeatError, type ConsumerHeartbeatContext, type ConsumerHeartbeatResult } from './heartbeat-command';
import { reconcile } from './reconcile';
import { computeSubscriptionMetadata, membersAfter, regexesInUse, resolveRegex, sameMemberMetadata, sameMetadata, subscriptionChanged } from './subscription';
import { computeTargetAssignment, preferredAssignor } from './target-assignment';

export interface MemberChange {
  readonly group: ConsumerGroup;
  /** The group is created (or replaces a classic one) by this request. */
  readonly created: boolean;
  readonly memberId: string;
  /** The member under this id before the request (undefined: new). */
  readonly base: ConsumerMember | undefined;
  /** A static member this request replaces (KC-22). */
  readonly replaced: ConsumerMember | undefined;
  /** Epoch 0 from a known member: it rejoins from scratch, owning nothing (KC-21). */
  readonly rejoin: boolean;
  readonly metadata: ConsumerMemberMetadata;
  /** Partitions the member reported owning; null = not reported. */
  readonly owned: Assignment | null;
}

export interface MemberAdvance {
  readonly events: ConsumerGroupEvent[];
  readonly next: ConsumerMemberAssignment;
}

const sameAssignmentState = (a: ConsumerMemberAssignment, b: ConsumerMemberAssignment): boolean =>
  a.memberEpoch === b.memberEpoch &&
  a.previousMemberEpoch === b.previousMemberEpoch &&
  a.state === b.state &&
  sameAssignment(a.assigned, b.assigned) &&
  sameAssignment(a.pendingRevocation, b.pendingRevocation);

/** Metadata, epoch, target and reconciliation events for one member's request; Left = the error answer. */
export const advanceMember = (c: MemberChange, ctx: ConsumerHeartbeatContext): E.Either<ConsumerHeartbeatResult, MemberAdvance> => {
  const { group: g, memberId, base, replaced, rejoin, metadata: updated } = c;
  const now = ctx.now;
  const before = replaced ?? base;
  const events: ConsumerGroupEvent[] = [];
  if (replaced !== undefined) {
    events.push({ type: 'ConsumerMemberReplaced', groupId: g.groupId, oldMemberId: replaced.memberId, newMemberId: memberId, member: updated, at: now });
  } else if (base === undefined) {
    events.push({ type: 'ConsumerMemberJoined', groupId: g.groupId, memberId, member: updated, at: now });
  } else if (!sameMemberMetadata(base, updated)) {
    events.push({ type: 'ConsumerMemberUpdated', groupId: g.groupId, memberId, member: updated, at: now });
  }
  let bump = subscriptionChanged(before, updated);
  let trigger: EpochTrigger = before === undefined ? { kind: 'MemberJoined', memberId } : { kind: 'SubscriptionChanged', memberId };
  const changes = new Map<string, ConsumerMemberMetadata | undefined>([[memberId, updated]]);
  if (replaced !== undefined) changes.set(replaced.memberId, undefined);

  let groupEpoch = g.groupEpoch;
  let metadata = g.subscriptionMetadata;
  let regexes: ReadonlyMap<string, readonly string[]> = g.regexes;
  if (bump || ctx.metadataStale || c.created) {
    // Kafka 4.0 resolves each regex once for the group and re-resolves them when topics change.
    const next = new Map<string, readonly string[]>();
    for (const r of regexesInUse(g, changes).keys()) {
      const known = g.regexes.get(r);
      if (known !== undefined && !ctx.metadataStale) {
        next.set(r, known);
        continue;
      }
      const compiled = ctx.compileRegex(r);
      if (compiled === null) {
        if (r === regexOf(updated)) return E.left(heartbeatError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${r}\` is not a valid regular expression.`));
        continue;
      }
      const topics = resolveRegex(compiled, ctx.topics);
      next.set(r, topics);
      if (known === undefined || known.length !== topics.length || known.some((t, i) => t !== topics[i])) {
        events.push({ type: 'RegexResolved', groupId: g.groupId, regex: r, topics, at: now });
      }
    }
    for (const r of g.regexes.keys()) if (!next.has(r)) events.push({ type: 'RegexResolved', groupId: g.groupId, regex: r, topics: null, at: now });
    regexes = next;
    metadata = computeSubscriptionMetadata(g, changes, regexes, ctx.topics);
    if (!sameMetadata(metadata, g.subscriptionMetadata)) {
      events.push({ type: 'SubscriptionMetadataChanged', groupId: g.groupId, topics: metadata, at: now });
      if (!bump) trigger = { kind: 'MetadataChanged' };
      bump = true;
    }
    if (bump) {
      groupEpoch += 1;
      events.push({ type: 'GroupEpochBumped', groupId: g.groupId, epoch: groupEpoch, trigger, at: now });
    }
  }

  let targetEpoch = g.assignmentEpoch;
  let target: Assignment = g.targets.get(replaced?.memberId ?? memberId) ?? [];
  if (groupEpoch > g.assignmentEpoch) {
    const metas = [...membersAfter(g, changes)].map(([, m]) => m);
    const name = preferredAssignor(metas, ctx.defaultAssignor);
    const assignorName = ctx.assignors.has(name) ? name : ctx.defaultAssignor;
    const inherited = new Map<string, Assignment>();
    if (replaced !== undefined) inherited.set(memberId, g.targets.get(replaced.memberId) ?? []);
    const out = computeTargetAssignment({
      group: g, changes, inherited, metadata, regexes, epoch: groupEpoch, assignorName, assignor: ctx.assignors.get(assignorName)!, now,
    });
    events.push(out.event);
    targetEpoch = groupEpoch;
    target = out.targets.get(memberId) ?? [];
  }

  // The member's assignment state once the events above are folded, then one reconciliation step.
  const stored: ConsumerMember =
    replaced !== undefined
      ? { ...newConsumerMember(memberId, updated), assigned: replaced.assigned }
      : base !== undefined
        ? { ...base, ...updated }
        : newConsumerMember(memberId, updated);
  const current: ConsumerMember = rejoin ? { ...stored, memberEpoch: 0, previousMemberEpoch: 0, state: 'STABLE', assigned: [], pendingRevocation: [] } : stored;
  let next: ConsumerMemberAssignment = current;
  if (!isReconciledTo(current, targetEpoch)) {
    // A rejoining member released what it held: its own partitions are free.
    const epochOf = rejoin && base !== undefined
      ? (t: string, p: number) => (holds(base.assigned, t, p) || holds(base.pendingRevocation, t, p) ? -1 : partitionEpoch(g, t, p))
      : (t: string, p: number) => partitionEpoch(g, t, p);
    const step = reconcile({ member: current, targetEpoch, target, partitionEpoch: epochOf, owned: c.owned });
    if (E.isLeft(step)) return E.left(heartbeatError(step.left.code, 'The consumer group member is in an unknown state. The member must abandon all its partitions and rejoin.'));
    next = step.right;
  }
  if (!sameAssignmentState(next, stored)) {
    events.push({
      type: 'MemberReconciled',
      groupId: g.groupId,
      memberId,
      memberEpoch: next.memberEpoch,
      previousMemberEpoch: next.previousMemberEpoch,
      state: next.state,
      assigned: next.assigned,
      pendingRevocation: next.pendingRevocation,
      at: now,
    });
  }
  return E.right({ events, next });
};
