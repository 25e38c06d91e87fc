/**
 * KC-60…KC-62: members that still speak the classic protocol inside a KIP-848 group. Their
 * JoinGroup is a member update plus one reconciliation step (no join phase: every member is its
 * own "leader-less follower"), SyncGroup hands them their assigned partitions as consumer-protocol
 * bytes, Heartbeat tells them to rejoin while they lag the group epoch or must revoke, and LeaveGroup
 * removes them like KC-30. Kafka's GroupMetadataManager.classicGroup*ToConsumerGroup.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../../error-code';
import type { GroupEvent } from '../events';
import { joinError, syncError, type JoinGroupCommand, type JoinGroupResult, type SyncGroupCommand, type SyncGroupResult } from '../replies';
import { advanceMember } from './advance-member';
import { toTopicIds, toTopicNames } from './classic-bytes';
import { holds } from './assignment';
import { partitionEpoch, usesClassicProtocol, type ConsumerGroup, type ConsumerMember, type ConsumerMemberMetadata } from './consumer-group';
import { fenceMembers } from './decide-consumer-leave';
import type { ConsumerHeartbeatContext } from './heartbeat-command';

export interface ClassicJoinDecision {
  readonly events: GroupEvent[];
  /** Answered once the events are durable (Kafka writes them). */
  readonly result: JoinGroupResult;
  /** KIP-394: answer MEMBER_ID_REQUIRED without touching the group. */
  readonly memberIdRequired: boolean;
}

/** KC-60: may a classic member with these protocols join? Every classic member must share one of them. */
const supportsClassic = (g: ConsumerGroup, protocolType: string, names: readonly string[]): boolean => {
  if (protocolType !== 'consumer' || names.length === 0) return false;
  const classic = [...g.members.values()].filter(usesClassicProtocol);
  return classic.length === 0 || names.some((n) => classic.every((m) => m.classic!.protocols.some((p) => p.name === n)));
};

/** KC-60: a JoinGroup to a KIP-848 group with members. Left = the error answer. */
export const decideClassicJoin = (
  cmd: JoinGroupCommand,
  g: ConsumerGroup,
  ctx: ConsumerHeartbeatContext & { readonly newMemberId: string },
): E.Either<JoinGroupResult, ClassicJoinDecision> => {
  const unknown = cmd.memberId === '';
  const memberId = unknown ? ctx.newMemberId : cmd.memberId;
  if (g.members.size >= ctx.maxSize && (unknown || !g.members.has(memberId))) return E.left(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
  if (!supportsClassic(g, cmd.protocolType, cmd.protocols.map((p) => p.name))) return E.left(joinError(cmd.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  // KIP-394: a new dynamic member must come back with the id it is given.
  if (unknown && cmd.groupInstanceId === null && cmd.apiVersion >= 4) {
    return E.right({ events: [], result: joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED), memberIdRequired: true });
  }
  let base: ConsumerMember | undefined;
  let replaced: ConsumerMember | undefined;
  if (cmd.groupInstanceId === null) {
    base = g.members.get(memberId);
  } else {
    const staticId = g.staticMembers.get(cmd.groupInstanceId);
    const st = staticId === undefined ? undefined : g.members.get(staticId);
    if (unknown) replaced = st;
    else if (st === undefined) return E.left(joinError(cmd.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    else if (st.memberId !== memberId) return E.left(joinError(cmd.memberId, ErrorCode.FENCED_INSTANCE_ID));
    else base = st;
  }
  const subscription = cmd.protocols.map((p) => ctx.bytes.decodeSubscription(p.metadata)).find((s) => s !== null) ?? null;
  if (subscription === null) return E.left(joinError(cmd.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  const prev = replaced ?? base;
  const metadata: ConsumerMemberMetadata = {
    instanceId: cmd.groupInstanceId ?? prev?.instanceId ?? null,
    rackId: subscription.rackId ?? prev?.rackId ?? null,
    clientId: cmd.clientId,
    clientHost: cmd.clientHost,
    subscribedTopicNames: [...subscription.topics],
    subscribedTopicRegex: prev?.subscribedTopicRegex ?? null,
    serverAssignor: prev?.serverAssignor ?? null,
    rebalanceTimeoutMs: cmd.rebalanceTimeoutMs ?? cmd.sessionTimeoutMs,
    classic: { sessionTimeoutMs: cmd.sessionTimeoutMs, protocols: cmd.protocols },
  };
  const advanced = advanceMember(
    { group: g, created: false, memberId, base, replaced, rejoin: false, metadata, owned: toTopicIds(subscription.ownedPartitions, ctx.topics) },
    ctx,
  );
  if (E.isLeft(advanced)) return E.left(joinError(cmd.memberId, advanced.left.errorCode));
  return E.right({
    events: advanced.right.events,
    memberIdRequired: false,
    result: {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: advanced.right.next.memberEpoch,
      protocolType: 'consumer',
      protocolName: cmd.protocols[0]!.name,
      leader: '',
      skipAssignment: false,
      members: [],
    },
  });
};

/** CG-62 for a KIP-848 group: the member by instance id (must map to this member id) or by member id. */
const classicMember = (g: ConsumerGroup, memberId: string, instanceId: string | null): E.Either<KafkaError, ConsumerMember> => {
  let member: ConsumerMember | undefined;
  if (instanceId === null) {
    member = g.members.get(memberId);
  } else {
    const staticId = g.staticMembers.get(instanceId);
    member = staticId === undefined ? undefined : g.members.get(staticId);
    if (member !== undefined && member.memberId !== memberId) return E.left(kafkaError(ErrorCode.FENCED_INSTANCE_ID));
  }
  // A member using the consumer protocol is unknown to the classic APIs.
  if (member === undefined || !usesClassicProtocol(member)) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  return E.right(member);
};

/** KC-61: SyncGroup answers the member's assigned partitions, in its own consumer-protocol version. */
export const decideClassicSync = (cmd: SyncGroupCommand, g: ConsumerGroup, ctx: Pick<ConsumerHeartbeatContext, 'bytes' | 'topicName'>): E.Either<SyncGroupResult, SyncGroupResult> => {
  const found = classicMember(g, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(found)) return E.left(syncError(found.left.code));
  const m = found.right;
  if (cmd.generationId !== m.memberEpoch) return E.left(syncError(ErrorCode.ILLEGAL_GENERATION));
  const first = m.classic!.protocols[0]!;
  if ((cmd.protocolType !== null && cmd.protocolType !== 'consumer') || (cmd.protocolName !== null && cmd.protocolName !== first.name)) {
    return E.left(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  // A newer group epoch means it must rejoin first, unless it is revoking (it then syncs to revoke).
  if (g.groupEpoch > m.memberEpoch && m.state !== 'UNREVOKED_PARTITIONS') return E.left(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
  const version = ctx.bytes.decodeSubscription(first.metadata)?.version ?? 0;
  return E.right({
    errorCode: ErrorCode.NONE,
    protocolType: cmd.protocolType ?? 'consumer',
    protocolName: cmd.protocolName ?? first.name,
    assignment: ctx.bytes.encodeAssignment(version, toTopicNames(m.assigned, ctx.topicName)),
  });
};

/** Is the member waiting for a partition of its target that another member still holds? */
const waitingOnUnreleased = (g: ConsumerGroup, m: ConsumerMember): boolean => {
  if (m.state !== 'UNRELEASED_PARTITIONS') return false;
  for (const t of g.targets.get(m.memberId) ?? []) {
    for (const p of t.partitions) if (!holds(m.assigned, t.topicId, p) && partitionEpoch(g, t.topicId, p) !== -1) return true;
  }
  return false;
};

/**
 * KC-62: a classic member's Heartbeat. Right = the answer and whether the member must rejoin
 * (REBALANCE_IN_PROGRESS: it lags the group epoch, must revoke, or partitions it waits for are free).
 */
export const decideClassicHeartbeat = (
  cmd: { readonly memberId: string; readonly groupInstanceId: string | null; readonly generationId: number },
  g: ConsumerGroup,
): E.Either<KafkaError, { readonly member: ConsumerMember; readonly rejoin: boolean }> => {
  const found = classicMember(g, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(found)) return found;
  const m = found.right;
  if (cmd.generationId !== m.memberEpoch) return E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  const rejoin =
    m.memberEpoch < g.groupEpoch ||
    m.state === 'UNREVOKED_PARTITIONS' ||
    (m.state === 'UNRELEASED_PARTITIONS' && !waitingOnUnreleased(g, m));
  return E.right({ member: m, rejoin });
};

/** KC-62: LeaveGroup of classic members of a KIP-848 group, per member (CG-52 shapes), one epoch bump. */
export const decideClassicLeave = (
  g: ConsumerGroup,
  members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null }>,
  ctx: Pick<ConsumerHeartbeatContext, 'topics' | 'now'>,
): { readonly events: GroupEvent[]; readonly results: ReadonlyArray<{ memberId: string; groupInstanceId: string | null; errorCode: ErrorCode }> } => {
  const gone: string[] = [];
  const results = members.map((req) => {
    let member: ConsumerMember | undefined;
    if (req.groupInstanceId === null) {
      member = g.members.get(req.memberId);
    } else {
      const staticId = g.staticMembers.get(req.groupInstanceId);
      member = staticId === undefined ? undefined : g.members.get(staticId);
      if (member !== undefined && req.memberId !== '' && member.memberId !== req.memberId) {
        return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.FENCED_INSTANCE_ID as ErrorCode };
      }
    }
    if (member === undefined || !usesClassicProtocol(member) || gone.includes(member.memberId)) {
      return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID as ErrorCode };
    }
    gone.push(member.memberId);
    return { memberId: member.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.NONE as ErrorCode };
  });
  return { events: gone.length === 0 ? [] : fenceMembers(g, gone, 'LeaveGroup', ctx.topics, ctx.now), results };
};
