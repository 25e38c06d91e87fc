import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideHeartbeat } from '../../domain/group/decide-heartbeat';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import type { HeartbeatCommand } from './group-api';
import { ClassicMemberService } from './classic-member-service';

/** Heartbeat (CG-45): writes nothing (PE-10); a valid one re-arms the member's session timer (CG-46). */
@injectable()
export class HeartbeatService {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(ClassicMemberService) private readonly classicMembers: ClassicMemberService,
  ) {}

  heartbeat(cmd: HeartbeatCommand): { errorCode: ErrorCode } {
    // GEN-2: while loading, Heartbeat answers NONE (both Kafka coordinators do).
    if (this.store.status === 'loading') return { errorCode: ErrorCode.NONE };
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return { errorCode: unavailable };
    if (cmd.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const any = this.store.group(cmd.groupId);
    // KC-62: classic members of a KIP-848 group heartbeat there.
    if (any?.kind === 'consumer') return this.classicMembers.heartbeat(cmd, any);
    const group = any;
    const decision = decideHeartbeat(cmd, group);
    if (E.isLeft(decision)) return { errorCode: decision.left.code };
    const member = group!.members.get(cmd.memberId)!;
    this.timers.armSession(cmd.groupId, cmd.memberId, member.sessionTimeoutMs);
    return { errorCode: decision.right };
  }
}
