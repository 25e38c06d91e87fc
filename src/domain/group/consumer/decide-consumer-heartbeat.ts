/**
 * ConsumerGroupHeartbeat with member epoch ≥ 0 (KC-20…KC-28), in the order of Kafka's
 * GroupMetadataManager.consumerGroupHeartbeat: group and member lookup with epoch fencing, member
 * metadata (and regex resolution), subscription metadata and group epoch, target assignment,
 * then one reconciliation step of this member. Leaving (epoch < 0) is decide-consumer-leave.ts.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../error-code';
import type { ClassicGroup } from '../classic-group';
import { holds, isSubset, sameAssignment, type Assignment } from './assignment';
import {
  isReconciledTo,
  newConsumerGroup,
  newConsumerMember,
  partitionEpoch,
  regexOf,
  type ConsumerGroup,
  type ConsumerMember,
  type ConsumerMemberAssignment,
  type ConsumerMemberMetadata,
} from './consumer-group';
import type { ConsumerGroupEvent, EpochTrigger } from './consumer-events';
import { decideConsumerLeave } from './decide-consumer-leave';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatContext, type ConsumerHeartbeatResult } from './heartbeat-command';
import { reconcile } from './reconcile';
import {
  computeSubscriptionMetadata,
  membersAfter,
  metadataOf,
  regexesInUse,
  resolveRegex,
  sameMemberMetadata,
  sameMetadata,
  subscriptionChanged,
} from './subscription';
import { computeTargetAssignment, preferredAssignor } from './target-assignment';
import { validateConsumerHeartbeat } from './validate-heartbeat';

export interface ConsumerHeartbeatDecision {
  readonly events: ConsumerGroupEvent[];
  readonly response: ConsumerHeartbeatResult;
  /** The member whose session the heartbeat refreshes (null for a leave). */
  readonly memberId: string | null;
}

type Outcome = E.Either<ConsumerHeartbeatResult, ConsumerHeartbeatDecision>;

const NO_METADATA: ConsumerMemberMetadata = {
  instanceId: null,
  rackId: null,
  clientId: '',
  clientHost: '',
  subscribedTopicNames: [],
  subscribedTopicRegex: null,
  serverAssignor: null,
  rebalanceTimeoutMs: -1,
};

const fenced = (message: string): Outcome => E.left(heartbeatError(ErrorCode.FENCED_MEMBER_EPOCH, message));

/** KC-21: a newer epoch is fenced; an older one only if it is not the previous epoch with a subset of the assignment. */
const checkEpoch = (m: ConsumerMember, received: number, owned: Assignment | null): Outcome | null => {
  if (received > m.memberEpoch) return fenced(`The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`);
  if (received < m.memberEpoch && (received !== m.previousMemberEpoch || !isSubset(owned, m.assigned))) {
    return fenced(`The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`);
  }
  return null;
};

interface Lookup {
  /** The member under this id before the request (undefined: new). */
  readonly base: ConsumerMember | undefined;
  /** A static member (left with −2) this request replaces (KC-22). */
  readonly replaced: ConsumerMember | undefined;
  /** Epoch 0 from a known member: it rejoins from scratch, owning nothing (KC-21). */
  readonly rejoin: boolean;
}

/** KC-21 / KC-22: find (or admit) the member, fencing stale epochs and foreign instance ids. */
const lookupMember = (g: ConsumerGroup, cmd: ConsumerHeartbeatCommand, memberId: string): E.Either<ConsumerHeartbeatResult, Lookup> => {
  const joining = cmd.memberEpoch === 0;
  if (cmd.instanceId === null) {
    const base = g.members.get(memberId);
    if (joining) return E.right({ base, replaced: undefined, rejoin: base !== undefined });
    if (base === undefined) return E.left(heartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${g.groupId}.`));
    const bad = checkEpoch(base, cmd.memberEpoch, cmd.topicPartitions);
    return bad === null ? E.right({ base, replaced: undefined, rejoin: false }) : (bad as E.Left<ConsumerHeartbeatResult>);
  }
  const staticId = g.staticMembers.get(cmd.instanceId);
  const st = staticId === undefined ? undefined : g.members.get(staticId);
  if (joining) {
    if (st === undefined) {
      const base = g.members.get(memberId);
      return E.right({ base, replaced: undefined, rejoin: base !== undefined });
    }
    if (st.memberId === memberId) return E.right({ base: st, replaced: undefined, rejoin: true });
    // Replace the previous instance only if it left with epoch −2.
    if (st.memberEpoch !== -2) {
      return E.left(heartbeatError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${st.memberId} with instance id ${cmd.instanceId} is not released yet.`));
    }
    return E.right({ base: undefined, replaced: st, rejoin: false });
  }
  if (st === undefined) return E.left(heartbeatError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${cmd.instanceId} is unknown.`));
  if (st.memberId !== memberId) return E.left(heartbeatError(ErrorCode.FENCED_INSTANCE_ID, `Instance id ${cmd.instanceId} is fenced by member ${st.memberId}.`));
  const bad = checkEpoch(st, cmd.memberEpoch, cmd.topicPartitions);
  return bad === null ? E.right({ base: st, replaced: undefined, rejoin: false }) : (bad as E.Left<ConsumerHeartbeatResult>);
};

/** KC-23: non-null fields overwrite; client id and host come from the connection. */
const updatedMetadata = (prev: ConsumerMemberMetadata, cmd: ConsumerHeartbeatCommand): ConsumerMemberMetadata => ({
  instanceId: cmd.instanceId ?? prev.instanceId,
  rackId: cmd.rackId ?? prev.rackId,
  clientId: cmd.clientId,
  clientHost: cmd.clientHost,
  subscribedTopicNames: cmd.subscribedTopicNames ?? prev.subscribedTopicNames,
  subscribedTopicRegex: cmd.subscribedTopicRegex ?? prev.subscribedTopicRegex,
  serverAssignor: cmd.serverAssignor ?? prev.serverAssignor,
  rebalanceTimeoutMs: cmd.rebalanceTimeoutMs !== -1 ? cmd.rebalanceTimeoutMs : prev.rebalanceTimeoutMs,
});

const sameAssignmentState = (a: ConsumerMemberAssignment, b: ConsumerMemberAssignment): boolean =>
  a.memberEpoch === b.memberEpoch &&
  a.previousMemberEpoch === b.previousMemberEpoch &&
  a.state === b.state &&
  sameAssignment(a.assigned, b.assigned) &&
  sameAssignment(a.pendingRevocation, b.pendingRevocation);

/** KC-20: the consumer group this heartbeat addresses, created (or replacing an Empty classic group) at epoch 0. */
const lookupGroup = (cmd: ConsumerHeartbeatCommand, existing: ClassicGroup | ConsumerGroup | undefined): E.Either<ConsumerHeartbeatResult, { group: ConsumerGroup; created: boolean }> => {
  const notFound = () => E.left(heartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${cmd.groupId} is not a consumer group.`));
  if (existing === undefined) return cmd.memberEpoch === 0 ? E.right({ group: newConsumerGroup(cmd.groupId), created: true }) : notFound();
  if (existing.kind === 'consumer') return E.right({ group: existing, created: false });
  // An Empty classic (or simple) group is replaced; its offsets stay (CG-21, PE-8).
  if (cmd.memberEpoch === 0 && existing.members.size === 0) return E.right({ group: newConsumerGroup(cmd.groupId, existing.offsets), created: true });
  return notFound();
};

/** ConsumerGroupHeartbeat: Left = the error answer with nothing changed. */
export const decideConsumerHeartbeat = (
  cmd: ConsumerHeartbeatCommand,
  existing: ClassicGroup | ConsumerGroup | undefined,
  ctx: ConsumerHeartbeatContext,
): Outcome => {
  const invalid = validateConsumerHeartbeat(cmd, ctx.assignors);
  if (invalid !== null) return E.left(invalid);
  if (cmd.memberEpoch < 0) {
    const leave = decideConsumerLeave(cmd, existing?.kind === 'consumer' ? existing : undefined, ctx.topics, ctx.now);
    return E.isLeft(leave) ? leave : E.right({ ...leave.right, memberId: null });
  }
  const found = lookupGroup(cmd, existing);
  if (E.isLeft(found)) return found;
  const { group: g, created } = found.right;
  if (g.members.size >= ctx.maxSize && (cmd.memberId === '' || !g.members.has(cmd.memberId))) {
    return E.left(heartbeatError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${ctx.maxSize} members.`));
  }
  const memberId = cmd.memberId === '' ? ctx.newMemberId : cmd.memberId;
  const found2 = lookupMember(g, cmd, memberId);
  if (E.isLeft(found2)) return found2;
  const { base, replaced, rejoin } = found2.right;
  const before = replaced !== undefined ? metadataOf(replaced) : base !== undefined ? metadataOf(base) : undefined;
  const updated = updatedMetadata(before ?? NO_METADATA, cmd);
  const now = ctx.now;
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
  if (bump || ctx.metadataStale || created) {
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
    const step = reconcile({ member: current, targetEpoch, target, partitionEpoch: epochOf, owned: cmd.topicPartitions });
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
  // KC-27: the assignment goes with a full request or when it changed.
  const full =
    cmd.memberEpoch === 0 ||
    (cmd.rebalanceTimeoutMs !== -1 && (cmd.subscribedTopicNames !== null || cmd.subscribedTopicRegex !== null) && cmd.topicPartitions !== null);
  const changedAssignment = !sameAssignment(base?.assigned ?? [], next.assigned);
  return E.right({
    events,
    memberId,
    response: {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: next.memberEpoch,
      heartbeatIntervalMs: ctx.heartbeatIntervalMs,
      assignment: full || changedAssignment ? next.assigned : null,
    },
  });
};
