/**
 * What a request would add to the coordinator's state, for admission control (benchmarks.md C6,
 * reliability.md G7): when the heap is near its limit, requests that add a member, a group or an
 * offset are refused with a Kafka error, while everything the coordinator already holds keeps
 * working (existing members rejoin, heartbeat and commit to offsets they have).
 */
import { hasCommittedOffset } from './committed-offsets';
import type { Group } from './groups-state';

/**
 * A classic JoinGroup adds a member when it has no member id (a new member: KIP-394's pending id or,
 * before v4, the member itself) unless its instance id names a static member the group has (a
 * replacement: one member out, one in). A join with a member id is a known or pending member.
 */
export const classicJoinAddsMember = (group: Group | undefined, memberId: string, instanceId: string | null): boolean =>
  memberId === '' && !(instanceId !== null && group !== undefined && group.staticMembers.has(instanceId));

/** A ConsumerGroupHeartbeat at epoch 0 adds a member unless the group has it (by id, or by instance id). */
export const consumerJoinAddsMember = (group: Group | undefined, memberId: string, memberEpoch: number, instanceId: string | null): boolean => {
  if (memberEpoch !== 0) return false;
  if (group === undefined) return true;
  if (instanceId !== null && group.staticMembers.has(instanceId)) return false;
  return memberId === '' || !group.members.has(memberId);
};

/** An offset commit adds state when the group is new or lacks an offset for one of the partitions. */
export const commitAddsOffsets = (
  group: Group | undefined,
  topics: readonly { readonly name: string; readonly partitions: readonly { readonly partitionIndex: number }[] }[],
): boolean =>
  group === undefined || topics.some((t) => t.partitions.some((p) => !hasCommittedOffset(group.offsets, t.name, p.partitionIndex)));
