import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideSync } from '../../domain/group/decide-sync-group';
import { syncError, type SyncGroupCommand, type SyncGroupResult } from '../../domain/group/replies';
import type { Clock } from '../../ports/clock';
import { TYPES } from '../../ports/symbols';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { ClassicMemberService } from './classic-member-service';

/** SyncGroup (CG-40…CG-43): answered once the generation's assignment is durable (GEN-5). */
@injectable()
export class SyncService {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(ClassicMemberService) private readonly classicMembers: ClassicMemberService,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async sync(cmd: SyncGroupCommand): Promise<SyncGroupResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return syncError(unavailable);
    const any = this.store.group(cmd.groupId);
    if (any?.kind === 'consumer') {
      // KIP-559 first, then KC-61: only members using the classic protocol may sync with a KIP-848 group.
      if (cmd.apiVersion >= 5 && (cmd.protocolType === null || cmd.protocolName === null)) return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      return this.classicMembers.sync(cmd, any);
    }
    const group = any;
    const decision = decideSync(cmd, group, this.clock.now());
    if (E.isLeft(decision)) return decision.left;
    this.plumbing.synced(cmd.groupId, cmd.memberId);
    if (this.plumbing.allSynced(cmd.groupId)) this.timers.cancelSync(cmd.groupId);
    const outcome = decision.right;
    if (outcome.kind === 'park') {
      const parked = this.plumbing.parkSync(cmd.groupId, cmd.memberId);
      this.writes.write(outcome.events);
      return parked;
    }
    // Stable: the assignment is the member's, but it is acknowledged only once its write is durable
    // (until then the group is CompletingRebalance to Kafka): park with the others.
    if (this.plumbing.assignmentWrite(cmd.groupId, group!.generation) !== null) return this.plumbing.parkSync(cmd.groupId, cmd.memberId);
    return outcome.result;
  }
}
