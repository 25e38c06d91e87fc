/**
 * PE-9: a consumer group aggregate as plain data for snapshots, and back. The partition-epoch index
 * is derived, so it is rebuilt from the members rather than stored.
 */
import type { Assignment } from './assignment';
import { newConsumerGroup, type ConsumerGroup, type ConsumerMember, type TopicMetadata } from './consumer-group';
import { addEpochs } from './evolve-consumer';
import type { GroupOffsets } from '../committed-offsets';

export interface ConsumerGroupSnapshotData {
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignor: string | null;
  readonly members: readonly ConsumerMember[];
  readonly targets: ReadonlyArray<{ readonly memberId: string; readonly partitions: Assignment }>;
  readonly subscriptionMetadata: readonly TopicMetadata[];
  readonly regexes: ReadonlyArray<{ readonly regex: string; readonly topics: readonly string[] }>;
  readonly stateTimestamp: number | null;
}

export const toConsumerSnapshotData = (g: ConsumerGroup): ConsumerGroupSnapshotData => ({
  groupEpoch: g.groupEpoch,
  assignmentEpoch: g.assignmentEpoch,
  assignor: g.assignor,
  members: [...g.members.values()],
  targets: [...g.targets].map(([memberId, partitions]) => ({ memberId, partitions })),
  subscriptionMetadata: g.subscriptionMetadata,
  regexes: [...g.regexes].map(([regex, topics]) => ({ regex, topics })),
  stateTimestamp: g.stateTimestamp,
});

/** Rebuilds the aggregate (offsets are given: they travel as OffsetCommitted events). */
export const fromConsumerSnapshotData = (groupId: string, d: ConsumerGroupSnapshotData, offsets?: GroupOffsets): ConsumerGroup => {
  const g = newConsumerGroup(groupId, offsets);
  g.groupEpoch = d.groupEpoch;
  g.assignmentEpoch = d.assignmentEpoch;
  g.assignor = d.assignor;
  g.subscriptionMetadata = d.subscriptionMetadata;
  g.stateTimestamp = d.stateTimestamp;
  for (const m of d.members) {
    g.members.set(m.memberId, m);
    if (m.instanceId !== null) g.staticMembers.set(m.instanceId, m.memberId);
    addEpochs(g, m.assigned, m.memberEpoch);
    addEpochs(g, m.pendingRevocation, m.memberEpoch);
  }
  for (const t of d.targets) g.targets.set(t.memberId, t.partitions);
  for (const r of d.regexes) g.regexes.set(r.regex, r.topics);
  return g;
};
