import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideLeave } from '../../domain/group/decide-leave';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import type { LeaveGroupCommand, LeaveGroupResult } from './group-api';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { ClassicMemberService } from './classic-member-service';

/**
 * LeaveGroup (CG-52, CG-53). PE-10: the answer does not wait for the MetaLog, except when the last
 * member's leave empties the group — Kafka persists that (PE-3(c)).
 */
@injectable()
export class LeaveService {
  private readonly log: Logger;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(ClassicMemberService) private readonly classicMembers: ClassicMemberService,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.log = logger.child({ component: 'leave' });
  }

  async leave(cmd: LeaveGroupCommand): Promise<LeaveGroupResult> {
    const all = (code: ErrorCode): LeaveGroupResult => ({
      errorCode: code,
      members: cmd.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code })),
    });
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return all(unavailable);
    if (cmd.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    const any = this.store.group(cmd.groupId);
    // KC-62: classic members of a KIP-848 group leave it like KC-30.
    if (any?.kind === 'consumer') return this.classicMembers.leave(cmd, any);
    const group = any;
    if (group === undefined) {
      const r = all(ErrorCode.UNKNOWN_MEMBER_ID);
      return cmd.apiVersion >= 3 ? { ...r, errorCode: ErrorCode.NONE } : r;
    }
    for (const m of cmd.members) this.log.debug({ groupId: cmd.groupId, memberId: m.memberId, reason: m.reason ?? 'not provided' }, 'leave');
    const decision = decideLeave(group, cmd.members, (id) => this.plumbing.isPending(cmd.groupId, id), this.clock.now());
    for (const id of decision.droppedPending) {
      this.plumbing.dropPending(cmd.groupId, id);
      this.timers.cancelPending(cmd.groupId, id);
    }
    let write = this.writes.write(decision.events);
    // A pending id that left may be all a join phase was waiting for (CG-48 / TS-45).
    if (decision.events.length === 0 && decision.droppedPending.length > 0) write = this.writes.completeJoinIfReady(cmd.groupId);
    if (write.hard && !(await write.durable)) return all(ErrorCode.NOT_COORDINATOR);
    const errorCode = cmd.apiVersion >= 3 ? ErrorCode.NONE : (decision.results[0]?.errorCode ?? ErrorCode.NONE);
    return { errorCode, members: decision.results };
  }
}
