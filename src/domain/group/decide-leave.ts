import { ErrorCode } from '../error-code';
import type { ClassicGroup } from './classic-group';
import type { GroupEvent, RebalanceTrigger } from './events';

export interface LeaveRequest {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveDecision {
  readonly events: GroupEvent[];
  /** Per member, in request order (CG-52). */
  readonly results: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly errorCode: ErrorCode }>;
  /** MEMBER_ID_REQUIRED ids that left: the application forgets them (TS-45). */
  readonly droppedPending: readonly string[];
}

/**
 * CG-53: a LeaveGroup batch against an existing group. Admin removal by instance id (KIP-345),
 * pending ids, identity checks (CG-62) per member; after the batch a Stable or CompletingRebalance
 * group that lost a member prepares a rebalance (a PreparingRebalance one may complete its join).
 */
export const decideLeave = (
  group: ClassicGroup,
  members: readonly LeaveRequest[],
  isPending: (memberId: string) => boolean,
  now: number,
): LeaveDecision => {
  const events: GroupEvent[] = [];
  const gone = new Set<string>();
  const droppedPending: string[] = [];
  const present = (id: string | undefined): id is string => id !== undefined && group.members.has(id) && !gone.has(id);
  const leave = (memberId: string): void => {
    gone.add(memberId);
    events.push({ type: 'MemberLeft', groupId: group.groupId, memberId, reason: 'LeaveGroup', at: now });
  };
  const results = members.map((req) => {
    const answer = (errorCode: ErrorCode) => ({ memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode });
    if (req.memberId === '') {
      // KIP-345 admin removal by instance id.
      const mapped = req.groupInstanceId === null ? undefined : group.staticMembers.get(req.groupInstanceId);
      if (!present(mapped)) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
      leave(mapped);
      return answer(ErrorCode.NONE);
    }
    if (isPending(req.memberId) && !droppedPending.includes(req.memberId)) {
      droppedPending.push(req.memberId);
      return answer(ErrorCode.NONE);
    }
    // CG-62 identity, against the group as this batch has left it so far.
    if (req.groupInstanceId !== null) {
      const mapped = group.staticMembers.get(req.groupInstanceId);
      if (!present(mapped)) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
      if (mapped !== req.memberId) return answer(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (!present(req.memberId)) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
    leave(req.memberId);
    return answer(ErrorCode.NONE);
  });
  const first = events[0];
  if (first !== undefined && first.type === 'MemberLeft' && (group.state === 'Stable' || group.state === 'CompletingRebalance')) {
    const trigger: RebalanceTrigger = { kind: 'MemberLeft', memberId: first.memberId, reason: 'LeaveGroup' };
    events.push({ type: 'RebalanceStarted', groupId: group.groupId, trigger, at: now });
  }
  return { events, results, droppedPending };
};
