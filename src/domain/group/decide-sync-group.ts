import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import { metadataFor, type ClassicGroup } from './classic-group';
import type { GroupEvent, SyncedMember } from './events';
import { validateIdentity } from './member-identity';

export interface SyncGroupCheck {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly apiVersion: number;
}

/** CG-40 / CG-41: validation of a SyncGroup, in Kafka's order; Right = proceed by state (CG-42). */
export const validateSync = (cmd: SyncGroupCheck, group: ClassicGroup | undefined): E.Either<KafkaError, ClassicGroup> => {
  // KIP-559: v5+ must name both protocol type and name.
  if (cmd.apiVersion >= 5 && (cmd.protocolType === null || cmd.protocolName === null)) {
    return E.left(kafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  if (group === undefined || group.state === 'Empty') return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (group.state === 'Dead') return E.left(kafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(identity)) return identity;
  if (cmd.generationId !== group.generation) return E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  if (
    (cmd.protocolType !== null && cmd.protocolType !== group.protocolType) ||
    (cmd.protocolName !== null && cmd.protocolName !== group.protocolName)
  ) {
    return E.left(kafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  return E.right(group);
};

/**
 * CG-42 / PE-3(b): the leader's SyncGroup in CompletingRebalance persists the full group metadata.
 * Members the leader omitted get empty bytes; entries for unknown ids are ignored.
 */
export const decideLeaderSync = (
  group: ClassicGroup,
  assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Uint8Array }>,
): GroupEvent => {
  const byId = new Map(assignments.map((a) => [a.memberId, a.assignment] as const));
  const members: SyncedMember[] = [];
  for (const m of group.members.values()) {
    const p = metadataFor(m, group.protocolName);
    members.push({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: p.metadata,
      subscribedTopics: p.topics,
      assignment: byId.get(m.memberId) ?? new Uint8Array(0),
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
    at: group.stateTimestamp ?? 0,
  };
};
