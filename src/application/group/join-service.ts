import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideJoin } from '../../domain/group/decide-join';
import { classicJoinAddsMember } from '../../domain/group/growth';
import { joinError, type JoinGroupCommand, type JoinGroupResult } from '../../domain/group/replies';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { ClassicMemberService } from './classic-member-service';
import { GrowthAdmission } from './growth-admission';

/**
 * JoinGroup (CG-20…CG-34): decide, apply the plumbing the decision asks for (park the request,
 * remember a KIP-394 pending id), write the events. PE-10: a join waits for no fsync unless its
 * events are hard state Kafka persists (group creation, a static replacement without rebalance).
 */
@injectable()
export class JoinService {
  private readonly log: Logger;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(ClassicMemberService) private readonly classicMembers: ClassicMemberService,
    @inject(GrowthAdmission) private readonly admission: GrowthAdmission,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    this.log = logger.child({ component: 'join' });
  }

  /** Resolves when Kafka would answer (possibly after the join phase completes). */
  async join(cmd: JoinGroupCommand): Promise<JoinGroupResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return joinError(cmd.memberId, unavailable);
    this.log.debug({ groupId: cmd.groupId, memberId: cmd.memberId, reason: cmd.reason ?? 'not provided' }, 'join');
    const existing = this.store.group(cmd.groupId);
    // C6: near the heap limit a new member is refused (members already in the group rejoin as usual).
    if (classicJoinAddsMember(existing, cmd.memberId, cmd.groupInstanceId) && !this.admission.admits()) {
      return joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED);
    }
    // CG-21: an Empty KIP-848 group is replaced by the classic group this join creates (its offsets
    // stay); a KIP-848 group with members serves the member itself (KC-60).
    if (existing?.kind === 'consumer' && existing.members.size > 0) {
      if (cmd.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || cmd.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
        return joinError(cmd.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
      }
      return this.classicMembers.join(cmd, existing);
    }
    const decision = decideJoin(cmd, existing?.kind === 'classic' ? existing : undefined, {
      now: this.clock.now(),
      minSessionTimeoutMs: this.config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: this.config.groupMaxSessionTimeoutMs,
      maxSize: this.config.groupMaxSize,
      newMemberId: cmd.memberId === '' ? this.config.generateMemberId(cmd.groupInstanceId ?? cmd.clientId) : cmd.memberId,
      isPendingMember: cmd.memberId !== '' && this.plumbing.isPending(cmd.groupId, cmd.memberId),
    });
    if (E.isLeft(decision)) return decision.left;
    const { events, outcome, dropPending } = decision.right;
    if (dropPending && this.plumbing.dropPending(cmd.groupId, cmd.memberId)) this.timers.cancelPending(cmd.groupId, cmd.memberId);
    // Park before writing: the write may complete the join phase and answer this very request.
    const parked = outcome.kind === 'park' ? this.plumbing.parkJoin(cmd.groupId, outcome.memberId) : null;
    if (outcome.kind === 'pending') {
      this.plumbing.addPending(cmd.groupId, outcome.memberId);
      this.timers.armPending(cmd.groupId, outcome.memberId, outcome.sessionTimeoutMs);
    }
    const write = this.writes.write(events);
    if (parked !== null) return parked;
    if (write.hard && !(await write.durable)) return joinError('', ErrorCode.NOT_COORDINATOR);
    return outcome.kind === 'reply' ? outcome.result : joinError(outcome.memberId, ErrorCode.MEMBER_ID_REQUIRED);
  }
}
