import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import type { ConsumerGroup } from '../../domain/group/consumer/consumer-group';
import { decideClassicHeartbeat, decideClassicJoin, decideClassicLeave, decideClassicSync } from '../../domain/group/consumer/decide-classic-member';
import { joinError, type JoinGroupCommand, type JoinGroupResult, type SyncGroupCommand, type SyncGroupResult } from '../../domain/group/replies';
import type { Clock } from '../../ports/clock';
import { TYPES } from '../../ports/symbols';
import { ConsumerContext } from './consumer-context';
import { ConsumerGroupService } from './consumer-group-service';
import type { HeartbeatCommand, LeaveGroupCommand, LeaveGroupResult } from './group-api';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupTimers } from './group-timers';

/**
 * KC-60…KC-62: the classic APIs (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) for members of a
 * KIP-848 group that still speak the classic protocol — mixed groups during a migration. The
 * classic services route here when the group id names a KIP-848 group.
 */
@injectable()
export class ClassicMemberService {
  constructor(
    @inject(ConsumerGroupService) private readonly consumers: ConsumerGroupService,
    @inject(ConsumerContext) private readonly context: ConsumerContext,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {}

  /** KC-60: answered once the member's events are durable; then a SyncGroup must follow within its rebalance timeout. */
  async join(cmd: JoinGroupCommand, g: ConsumerGroup): Promise<JoinGroupResult> {
    const stale = this.plumbing.isMetadataStale(g.groupId);
    const newMemberId = cmd.memberId === '' ? this.config.generateMemberId(cmd.groupInstanceId ?? cmd.clientId) : cmd.memberId;
    const ctx = { ...this.context.request(g.groupId, this.clock.now(), newMemberId, stale), newMemberId };
    const decision = decideClassicJoin(cmd, g, ctx);
    if (E.isLeft(decision)) return decision.left;
    const { events, result, memberIdRequired } = decision.right;
    if (memberIdRequired) return result;
    if (stale) this.plumbing.metadataRefreshed(g.groupId);
    if (events.length > 0 && !(await this.consumers.write(g.groupId, events))) return joinError('', ErrorCode.NOT_COORDINATOR);
    const rebalanceTimeoutMs = cmd.rebalanceTimeoutMs ?? cmd.sessionTimeoutMs;
    this.timers.cancelClassicMemberDeadline(g.groupId, result.memberId, 'JoinTimeout');
    this.timers.armConsumerSession(g.groupId, result.memberId, cmd.sessionTimeoutMs);
    this.timers.armClassicMemberDeadline(g.groupId, result.memberId, 'SyncTimeout', rebalanceTimeoutMs);
    return result;
  }

  /** KC-61: writes nothing; the member's assigned partitions in its consumer-protocol version. */
  sync(cmd: SyncGroupCommand, g: ConsumerGroup): SyncGroupResult {
    const decision = decideClassicSync(cmd, g, this.context.conversion(g.groupId, this.clock.now()));
    if (E.isLeft(decision)) return decision.left;
    const m = g.members.get(cmd.memberId)!;
    this.timers.cancelClassicMemberDeadline(g.groupId, m.memberId, 'SyncTimeout');
    this.timers.armConsumerSession(g.groupId, m.memberId, m.classic!.sessionTimeoutMs);
    return decision.right;
  }

  /** KC-62: REBALANCE_IN_PROGRESS (and a join deadline) while the member must rejoin. */
  heartbeat(cmd: HeartbeatCommand, g: ConsumerGroup): { errorCode: ErrorCode } {
    const decision = decideClassicHeartbeat(cmd, g);
    if (E.isLeft(decision)) return { errorCode: decision.left.code };
    const { member, rejoin } = decision.right;
    this.timers.armConsumerSession(g.groupId, member.memberId, member.classic!.sessionTimeoutMs);
    if (!rejoin) return { errorCode: ErrorCode.NONE };
    this.timers.armClassicMemberDeadline(g.groupId, member.memberId, 'JoinTimeout', Math.max(member.rebalanceTimeoutMs, 0), true);
    return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
  }

  /** KC-62: LeaveGroup of classic members; answered once durable (Kafka writes the tombstones). */
  async leave(cmd: LeaveGroupCommand, g: ConsumerGroup): Promise<LeaveGroupResult> {
    const decision = decideClassicLeave(g, cmd.members, { topics: this.context.topics, now: this.clock.now() });
    if (decision.events.length > 0 && !(await this.consumers.write(g.groupId, decision.events))) {
      return { errorCode: ErrorCode.NOT_COORDINATOR, members: cmd.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.NOT_COORDINATOR })) };
    }
    const errorCode = cmd.apiVersion >= 3 ? ErrorCode.NONE : (decision.results[0]?.errorCode ?? ErrorCode.NONE);
    return { errorCode, members: decision.results };
  }
}
