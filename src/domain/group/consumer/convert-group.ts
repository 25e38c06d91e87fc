/**
 * KC-62 online conversion between the two group types. Upgrade: a ConsumerGroupHeartbeat joins a
 * classic "consumer" group with members; the group becomes a KIP-848 group whose members keep
 * their epoch (= the generation) and assignment. Downgrade: the last member using the consumer
 * protocol leaves a group whose other members all use the classic protocol; it becomes a classic
 * group Stable at the group epoch with their assignments (Kafka's GroupMetadata record, PE-3(e)),
 * which rebalances at once.
 */
import { memberAssignment, metadataFor, type ClassicGroup } from '../classic-group';
import type { GroupEvent, MemberProtocol, SyncedMember } from '../events';
import { partitionCount } from './assignment';
import { toTopicIds, toTopicNames } from './classic-bytes';
import { usesClassicProtocol, type ConsumerGroup, type ConsumerMember } from './consumer-group';
import type { ConsumerGroupEvent, ConsumerLeftReason } from './consumer-events';
import type { ConversionContext } from './heartbeat-command';

/** The upgrade event of a classic group, or null when the group may not (or cannot) be upgraded. */
export const upgradeEvent = (g: ClassicGroup, maxSize: number, ctx: ConversionContext): Extract<ConsumerGroupEvent, { type: 'ClassicGroupUpgraded' }> | null => {
  if (!ctx.migration.upgrade || g.protocolType !== 'consumer' || g.members.size > maxSize) return null;
  const members = [];
  for (const m of g.members.values()) {
    const sub = ctx.bytes.decodeSubscription(metadataFor(m, g.protocolName).metadata);
    const assigned = ctx.bytes.decodeAssignment(memberAssignment(m));
    // Kafka: a malformed embedded protocol refuses the upgrade (GROUP_ID_NOT_FOUND).
    if (sub === null || assigned === null) return null;
    members.push({
      memberId: m.memberId,
      member: {
        instanceId: m.instanceId,
        rackId: sub.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...sub.topics],
        subscribedTopicRegex: null,
        serverAssignor: null,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        classic: { sessionTimeoutMs: m.sessionTimeoutMs, protocols: m.protocols },
      },
      assigned: toTopicIds(assigned, ctx.topics),
    });
  }
  return { type: 'ClassicGroupUpgraded', groupId: g.groupId, epoch: g.generation, members, at: ctx.now };
};

/** The protocol every member supports, preferring the first member's order (CG-6 in small). */
const commonProtocol = (members: readonly ConsumerMember[]): string | null => {
  const lists = members.map((m) => m.classic!.protocols.map((p) => p.name));
  return lists[0]?.find((name) => lists.every((l) => l.includes(name))) ?? null;
};

const protocolOf = (m: ConsumerMember, name: string): MemberProtocol => m.classic!.protocols.find((p) => p.name === name)!;

/**
 * The events that remove `leavingId` and, when every remaining member uses the classic protocol
 * (and the policy and `group.max.size` allow), turn the group into a classic group that rebalances
 * at once; null when the group stays a KIP-848 group.
 */
export const downgradeEvents = (g: ConsumerGroup, leavingId: string, reason: ConsumerLeftReason, ctx: ConversionContext): GroupEvent[] | null => {
  const remaining = [...g.members.values()].filter((m) => m.memberId !== leavingId);
  if (remaining.length === 0 || !remaining.every(usesClassicProtocol) || !ctx.migration.downgrade || remaining.length > ctx.migration.classicMaxSize) return null;
  const protocolName = commonProtocol(remaining);
  if (protocolName === null) return null;
  const members: SyncedMember[] = remaining.map((m) => {
    const p = protocolOf(m, protocolName);
    const version = ctx.bytes.decodeSubscription(p.metadata)?.version ?? 0;
    return {
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.classic!.sessionTimeoutMs,
      subscription: p.metadata,
      subscribedTopics: p.topics,
      assignment: ctx.bytes.encodeAssignment(version, toTopicNames(m.assigned, ctx.topicName)),
      assignedPartitions: partitionCount(m.assigned),
    };
  });
  const leaderId = remaining[0]!.memberId;
  return [
    { type: 'ConsumerMemberLeft', groupId: g.groupId, memberId: leavingId, reason, at: ctx.now },
    // PE-3(e): the classic group's GroupMetadata record replaces the KIP-848 group (offsets stay).
    { type: 'AssignmentsSynced', groupId: g.groupId, generation: g.groupEpoch, protocolType: 'consumer', protocolName, leaderId, members, at: ctx.now },
    {
      type: 'RebalanceStarted',
      groupId: g.groupId,
      trigger: { kind: 'MemberLeft', memberId: leavingId, reason: reason === 'SessionTimeout' ? 'SessionTimeout' : reason === 'RebalanceTimeout' ? 'RebalanceTimeout' : 'LeaveGroup' },
      at: ctx.now,
    },
  ];
};
