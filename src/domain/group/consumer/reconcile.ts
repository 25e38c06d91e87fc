/**
 * KC-26 reconciliation (Kafka's CurrentAssignmentBuilder): one step of a member towards its target.
 * Revocation comes before assignment, and a partition is given to a member only once no other
 * member holds or revokes it (its owner epoch is free), so no partition is ever owned twice.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../../error-code';
import { fromMap, ownsAnyOf, toMap, type Assignment, type AssignmentMap } from './assignment';
import type { ConsumerMember, ConsumerMemberAssignment } from './consumer-group';

export interface ReconcileInput {
  readonly member: ConsumerMember;
  readonly targetEpoch: number;
  readonly target: Assignment;
  /** −1 when no member holds or revokes the partition (KC-26 owner epochs). */
  readonly partitionEpoch: (topicId: string, partition: number) => number;
  /** Partitions the member reported owning; null = not reported (unchanged/unknown). */
  readonly owned: Assignment | null;
}

const step = (m: ConsumerMember, next: Omit<ConsumerMemberAssignment, 'previousMemberEpoch'>): ConsumerMemberAssignment => ({
  ...next,
  // Each step remembers the epoch before it (KC-26, Kafka's updateMemberEpoch), so a member whose
  // response was lost may come back with it (KC-21).
  previousMemberEpoch: m.memberEpoch,
});

const computeNext = (input: ReconcileInput, memberEpoch: number, current: Assignment): ConsumerMemberAssignment => {
  const { member, target, targetEpoch, partitionEpoch, owned } = input;
  const targetMap = toMap(target);
  const currentMap = toMap(current);
  const keep: AssignmentMap = new Map();
  const revoke: AssignmentMap = new Map();
  const add: AssignmentMap = new Map();
  let unreleased = false;
  for (const topicId of new Set([...targetMap.keys(), ...currentMap.keys()])) {
    const t = targetMap.get(topicId) ?? new Set<number>();
    const c = currentMap.get(topicId) ?? new Set<number>();
    const k = new Set([...c].filter((p) => t.has(p)));
    const r = new Set([...c].filter((p) => !k.has(p)));
    const a = new Set<number>();
    for (const p of t) {
      if (k.has(p)) continue;
      if (partitionEpoch(topicId, p) !== -1) unreleased = true;
      else a.add(p);
    }
    if (k.size > 0) keep.set(topicId, k);
    if (r.size > 0) revoke.set(topicId, r);
    if (a.size > 0) add.set(topicId, a);
  }
  if (revoke.size > 0 && ownsAnyOf(owned, revoke)) {
    return step(member, { state: 'UNREVOKED_PARTITIONS', memberEpoch, assigned: fromMap(keep), pendingRevocation: fromMap(revoke) });
  }
  for (const [topicId, partitions] of add) {
    const k = keep.get(topicId);
    if (k === undefined) keep.set(topicId, partitions);
    else for (const p of partitions) k.add(p);
  }
  return step(member, { state: unreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE', memberEpoch: targetEpoch, assigned: fromMap(keep), pendingRevocation: [] });
};

/**
 * The member's next assignment state, or the same object when nothing changes; Left when the member
 * is in an unknown state and still claims partitions (it must rejoin from scratch).
 */
export const reconcile = (input: ReconcileInput): E.Either<KafkaError, ConsumerMemberAssignment> => {
  const m = input.member;
  switch (m.state) {
    case 'STABLE':
      return E.right(m.memberEpoch !== input.targetEpoch ? computeNext(input, m.memberEpoch, m.assigned) : m);
    case 'UNREVOKED_PARTITIONS': {
      // Still holding a partition it must give up: wait.
      if (ownsAnyOf(input.owned, toMap(m.pendingRevocation))) return E.right(m);
      return E.right(computeNext(input, m.memberEpoch + 1, m.assigned));
    }
    case 'UNRELEASED_PARTITIONS':
      return E.right(computeNext(input, m.memberEpoch, m.assigned));
    case 'UNKNOWN':
      if (input.owned === null || input.owned.length > 0) return E.left(kafkaError(ErrorCode.FENCED_MEMBER_EPOCH));
      return E.right(computeNext(input, input.targetEpoch, m.assigned));
  }
};
