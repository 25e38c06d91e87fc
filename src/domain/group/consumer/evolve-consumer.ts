/**
 * Folds of the KIP-848 events into one consumer group, in place (STYLE.md: mutation confined to one
 * fold step). Members are immutable values; the partition-epoch index follows every change of a
 * member's assigned or revoking partitions, as Kafka's ConsumerGroup.updateMember does.
 */
import type { Assignment } from './assignment';
import { newConsumerMember, type ConsumerGroup, type ConsumerMember } from './consumer-group';
import type { ConsumerGroupEvent } from './consumer-events';

type EventOf<T extends ConsumerGroupEvent['type']> = Extract<ConsumerGroupEvent, { type: T }>;

/** Records `epoch` as the owner epoch of every partition of `a` (the derived index, KC-26). */
export const addEpochs = (g: ConsumerGroup, a: Assignment, epoch: number): void => {
  for (const t of a) {
    let byPartition = g.partitionEpochs.get(t.topicId);
    if (byPartition === undefined) g.partitionEpochs.set(t.topicId, (byPartition = new Map()));
    for (const p of t.partitions) byPartition.set(p, epoch);
  }
};

const removeEpochs = (g: ConsumerGroup, a: Assignment, epoch: number): void => {
  for (const t of a) {
    const byPartition = g.partitionEpochs.get(t.topicId);
    if (byPartition === undefined) continue;
    for (const p of t.partitions) if (byPartition.get(p) === epoch) byPartition.delete(p);
    if (byPartition.size === 0) g.partitionEpochs.delete(t.topicId);
  }
};

/** Replaces a member (or removes it when `next` is undefined), keeping the static map and the epoch index. */
const setMember = (g: ConsumerGroup, memberId: string, next: ConsumerMember | undefined): void => {
  const old = g.members.get(memberId);
  if (old !== undefined) {
    removeEpochs(g, old.assigned, old.memberEpoch);
    removeEpochs(g, old.pendingRevocation, old.memberEpoch);
    if (old.instanceId !== null && g.staticMembers.get(old.instanceId) === memberId) g.staticMembers.delete(old.instanceId);
  }
  if (next === undefined) {
    g.members.delete(memberId);
    return;
  }
  g.members.set(memberId, next);
  if (next.instanceId !== null) g.staticMembers.set(next.instanceId, memberId);
  addEpochs(g, next.assigned, next.memberEpoch);
  addEpochs(g, next.pendingRevocation, next.memberEpoch);
};

/** Folds one KIP-848 event into its group. */
export const evolveConsumer = (g: ConsumerGroup, e: ConsumerGroupEvent): void => {
  switch (e.type) {
    case 'ConsumerMemberJoined':
      setMember(g, e.memberId, newConsumerMember(e.memberId, e.member));
      return;
    case 'ConsumerMemberUpdated': {
      const old = g.members.get(e.memberId);
      setMember(g, e.memberId, old === undefined ? newConsumerMember(e.memberId, e.member) : { ...old, ...e.member });
      return;
    }
    case 'ConsumerMemberReplaced': {
      const old = g.members.get(e.oldMemberId);
      const target = g.targets.get(e.oldMemberId);
      setMember(g, e.oldMemberId, undefined);
      g.targets.delete(e.oldMemberId);
      setMember(g, e.newMemberId, {
        ...newConsumerMember(e.newMemberId, e.member),
        assigned: old?.assigned ?? [],
      });
      if (target !== undefined) g.targets.set(e.newMemberId, target);
      return;
    }
    case 'SubscriptionMetadataChanged':
      g.subscriptionMetadata = e.topics;
      return;
    case 'RegexResolved':
      if (e.topics === null) g.regexes.delete(e.regex);
      else g.regexes.set(e.regex, e.topics);
      return;
    case 'GroupEpochBumped':
      g.groupEpoch = e.epoch;
      g.stateTimestamp = e.at;
      return;
    case 'TargetAssignmentComputed':
      for (const m of e.members) g.targets.set(m.memberId, m.partitions);
      g.assignmentEpoch = e.assignmentEpoch;
      g.assignor = e.assignor;
      return;
    case 'MemberReconciled': {
      const old = g.members.get(e.memberId);
      if (old === undefined) return;
      setMember(g, e.memberId, {
        ...old,
        memberEpoch: e.memberEpoch,
        previousMemberEpoch: e.previousMemberEpoch,
        state: e.state,
        assigned: e.assigned,
        pendingRevocation: e.pendingRevocation,
      });
      return;
    }
    case 'ConsumerMemberLeft':
      // PE-6: current assignment, then target assignment, then metadata.
      setMember(g, e.memberId, undefined);
      g.targets.delete(e.memberId);
      return;
    case 'ClassicGroupUpgraded':
      // A fresh group (evolve replaced the classic one): every member reconciled at the generation.
      g.groupEpoch = e.epoch;
      g.assignmentEpoch = e.epoch;
      g.stateTimestamp = e.at;
      for (const m of e.members) {
        setMember(g, m.memberId, { ...newConsumerMember(m.memberId, m.member), memberEpoch: e.epoch, previousMemberEpoch: e.epoch, assigned: m.assigned });
        g.targets.set(m.memberId, m.assigned);
      }
      return;
  }
};
