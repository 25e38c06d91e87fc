/**
 * ConsumerGroupHeartbeat with member epoch ≥ 0 (KC-20…KC-28), in the order of Kafka's
 * GroupMetadataManager.consumerGroupHeartbeat: group and member lookup with epoch fencing, member
 * metadata (and regex resolution), subscription metadata and group epoch, target assignment,
 * then one reconciliation step of this member. Leaving (epoch < 0) is decide-consumer-leave.ts.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../error-code';
import type { ClassicGroup } from '../classic-group';
import { isSubset, sameAssignment, type Assignment } from './assignment';
import { newConsumerGroup, type ConsumerGroup, type ConsumerMember, type ConsumerMemberMetadata } from './consumer-group';
import type { ConsumerGroupEvent } from './consumer-events';
import type { GroupEvent } from '../events';
import { upgradeEvent } from './convert-group';
import { evolveConsumer } from './evolve-consumer';
import { advanceMember } from './advance-member';
import { decideConsumerLeave } from './decide-consumer-leave';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatContext, type ConsumerHeartbeatResult } from './heartbeat-command';
import { metadataOf } from './subscription';
import { validateConsumerHeartbeat } from './validate-heartbeat';

export interface ConsumerHeartbeatDecision {
  readonly events: GroupEvent[];
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
  classic: null,
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
  // A member that heartbeats with ConsumerGroupHeartbeat uses the consumer protocol.
  classic: null,
});

interface FoundGroup {
  readonly group: ConsumerGroup;
  readonly created: boolean;
  /** The online upgrade of a classic group (KC-62), written before the member's own events. */
  readonly prefix: readonly ConsumerGroupEvent[];
}

/**
 * KC-20: the consumer group this heartbeat addresses, created at epoch 0 — replacing an Empty
 * classic group (CG-21, PE-8: offsets stay) or upgrading a classic group with members (KC-62).
 */
const lookupGroup = (cmd: ConsumerHeartbeatCommand, existing: ClassicGroup | ConsumerGroup | undefined, ctx: ConsumerHeartbeatContext): E.Either<ConsumerHeartbeatResult, FoundGroup> => {
  const notFound = () => E.left(heartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${cmd.groupId} is not a consumer group.`));
  if (existing === undefined) return cmd.memberEpoch === 0 ? E.right({ group: newConsumerGroup(cmd.groupId), created: true, prefix: [] }) : notFound();
  if (existing.kind === 'consumer') return E.right({ group: existing, created: false, prefix: [] });
  if (cmd.memberEpoch !== 0) return notFound();
  if (existing.members.size === 0) return E.right({ group: newConsumerGroup(cmd.groupId, existing.offsets), created: true, prefix: [] });
  const upgrade = upgradeEvent(existing, ctx.maxSize, ctx);
  if (upgrade === null) return notFound();
  // The group as the upgrade event will fold it (the fold is the same code).
  const group = newConsumerGroup(cmd.groupId, existing.offsets);
  evolveConsumer(group, upgrade);
  return E.right({ group, created: true, prefix: [upgrade] });
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
    const leave = decideConsumerLeave(cmd, existing?.kind === 'consumer' ? existing : undefined, ctx);
    return E.isLeft(leave) ? leave : E.right({ ...leave.right, memberId: null });
  }
  const found = lookupGroup(cmd, existing, ctx);
  if (E.isLeft(found)) return found;
  const { group: g, created, prefix } = found.right;
  if (g.members.size >= ctx.maxSize && (cmd.memberId === '' || !g.members.has(cmd.memberId))) {
    return E.left(heartbeatError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${ctx.maxSize} members.`));
  }
  const memberId = cmd.memberId === '' ? ctx.newMemberId : cmd.memberId;
  const found2 = lookupMember(g, cmd, memberId);
  if (E.isLeft(found2)) return found2;
  const { base, replaced, rejoin } = found2.right;
  const before = replaced !== undefined ? metadataOf(replaced) : base !== undefined ? metadataOf(base) : undefined;
  const advanced = advanceMember(
    { group: g, created, memberId, base, replaced, rejoin, metadata: updatedMetadata(before ?? NO_METADATA, cmd), owned: cmd.topicPartitions },
    ctx,
  );
  if (E.isLeft(advanced)) return advanced;
  const events: GroupEvent[] = [...prefix, ...advanced.right.events];
  const next = advanced.right.next;
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
