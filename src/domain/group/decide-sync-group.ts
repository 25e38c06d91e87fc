import * as E from 'fp-ts/Either';
import { ErrorCode } from '../error-code';
import { memberAssignment, metadataFor, type ClassicGroup } from './classic-group';
import type { GroupEvent, SyncedMember } from './events';
import { validateIdentity } from './member-identity';
import { syncError, type SyncGroupCommand, type SyncGroupResult } from './replies';

export type SyncOutcome =
  /** Stable: the member's stored assignment (the application holds it until that generation's write is durable). */
  | { readonly kind: 'assignment'; readonly result: SyncGroupResult }
  /** CompletingRebalance: park until the leader's assignments are durable; `events` is the leader's write. */
  | { readonly kind: 'park'; readonly events: readonly GroupEvent[] };

/** CG-40…CG-42: a SyncGroup against the group, in Kafka's validation order. Left = the error answer. */
export const decideSync = (cmd: SyncGroupCommand, group: ClassicGroup | undefined, now: number): E.Either<SyncGroupResult, SyncOutcome> => {
  // KIP-559: v5+ must name both protocol type and name.
  if (cmd.apiVersion >= 5 && (cmd.protocolType === null || cmd.protocolName === null)) {
    return E.left(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  if (cmd.groupId === '') return E.left(syncError(ErrorCode.INVALID_GROUP_ID));
  if (group === undefined || group.state === 'Empty') return E.left(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (group.state === 'Dead') return E.left(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(identity)) return E.left(syncError(identity.left.code));
  if (cmd.generationId !== group.generation) return E.left(syncError(ErrorCode.ILLEGAL_GENERATION));
  if (
    (cmd.protocolType !== null && cmd.protocolType !== group.protocolType) ||
    (cmd.protocolName !== null && cmd.protocolName !== group.protocolName)
  ) {
    return E.left(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  switch (group.state) {
    case 'PreparingRebalance':
      return E.left(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    case 'Stable': {
      const member = group.members.get(cmd.memberId)!;
      return E.right({
        kind: 'assignment',
        result: { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: memberAssignment(member) },
      });
    }
    default:
      // Followers that sync before the leader simply wait for it.
      return E.right({ kind: 'park', events: group.leaderId === cmd.memberId ? [leaderSync(group, cmd.assignments, now)] : [] });
  }
};

/**
 * CG-42 / PE-3(b): the leader's SyncGroup persists the full group metadata. Members the leader
 * omitted get empty bytes; entries for unknown ids are ignored.
 */
const leaderSync = (group: ClassicGroup, assignments: SyncGroupCommand['assignments'], now: number): GroupEvent => {
  const byId = new Map(assignments.map((a) => [a.memberId, a] as const));
  const members: SyncedMember[] = [];
  for (const m of group.members.values()) {
    const p = metadataFor(m, group.protocolName);
    const a = byId.get(m.memberId);
    members.push({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: p.metadata,
      subscribedTopics: p.topics,
      assignment: a?.assignment ?? new Uint8Array(0),
      assignedPartitions: a === undefined ? 0 : (a.partitions ?? null),
    });
  }
  return {
    type: 'AssignmentsSynced',
    groupId: group.groupId,
    generation: group.generation,
    protocolType: group.protocolType ?? '',
    protocolName: group.protocolName ?? '',
    leaderId: group.leaderId ?? '',
    members,
    at: now,
  };
};
