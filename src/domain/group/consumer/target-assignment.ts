/**
 * KC-25 target assignment (Kafka's TargetAssignmentBuilder): run the group's assignor over every
 * member, passing each member's current target for stickiness, and record only the members whose
 * target changed, then the new assignment epoch.
 */
import type { Assignor, AssignorMember, AssignorTopic } from '../assignors/assignor';
import { fromMap, sameAssignment, type Assignment } from './assignment';
import type { ConsumerGroup, ConsumerMemberMetadata, TopicMetadata } from './consumer-group';
import type { ConsumerGroupEvent } from './consumer-events';
import { membersAfter, subscribedTopicIds, type MemberOverrides } from './subscription';

/**
 * KC-25: the assignor the members prefer (most votes among their `serverAssignor`), else the
 * default (first configured). Ties go to the default, then to the name first in order.
 */
export const preferredAssignor = (members: Iterable<ConsumerMemberMetadata>, defaultAssignor: string): string => {
  const votes = new Map<string, number>();
  for (const m of members) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  let best = defaultAssignor;
  let bestVotes = votes.get(defaultAssignor) ?? 0;
  for (const [name, n] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n > bestVotes) {
      best = name;
      bestVotes = n;
    }
  }
  return best;
};

export interface TargetInput {
  readonly group: ConsumerGroup;
  readonly changes: MemberOverrides;
  /** New member id → the target it inherits (a static member's replacement, KC-22). */
  readonly inherited: ReadonlyMap<string, Assignment>;
  readonly metadata: readonly TopicMetadata[];
  readonly regexes: ReadonlyMap<string, readonly string[]>;
  readonly epoch: number;
  readonly assignorName: string;
  readonly assignor: Assignor;
  readonly now: number;
}

export interface TargetOutput {
  readonly event: Extract<ConsumerGroupEvent, { type: 'TargetAssignmentComputed' }>;
  /** The new target of every member. */
  readonly targets: ReadonlyMap<string, Assignment>;
}

export const computeTargetAssignment = (input: TargetInput): TargetOutput => {
  const { group, changes } = input;
  const topics = new Map<string, AssignorTopic>(input.metadata.map((t) => [t.topicId, t] as const));
  const members: AssignorMember[] = [];
  const currentOf = (id: string): Assignment => input.inherited.get(id) ?? group.targets.get(id) ?? [];
  for (const [memberId, m] of membersAfter(group, changes)) {
    members.push({
      memberId,
      instanceId: m.instanceId,
      topicIds: subscribedTopicIds(group, m, input.metadata, input.regexes),
      current: new Map(currentOf(memberId).map((t) => [t.topicId, t.partitions] as const)),
    });
  }
  const result = input.assignor(members, topics);
  const targets = new Map<string, Assignment>();
  const changed: Array<{ memberId: string; partitions: Assignment }> = [];
  for (const m of members) {
    const byTopic = result.get(m.memberId) ?? new Map<string, number[]>();
    const target = fromMap(new Map([...byTopic].map(([t, ps]) => [t, new Set(ps)] as const)));
    targets.set(m.memberId, target);
    if (!sameAssignment(target, group.targets.get(m.memberId) ?? [])) changed.push({ memberId: m.memberId, partitions: target });
  }
  return {
    event: { type: 'TargetAssignmentComputed', groupId: group.groupId, assignmentEpoch: input.epoch, assignor: input.assignorName, members: changed, at: input.now },
    targets,
  };
};
