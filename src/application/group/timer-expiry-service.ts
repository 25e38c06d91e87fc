import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { decideInitialDelay, decideJoinDeadline, type InitialDelayArm } from '../../domain/group/decide-join-completion';
import { decideSessionExpiry, decideSyncExpiry } from '../../domain/group/decide-session-expiry';
import { groupRebalanceTimeoutMs } from '../../domain/group/classic-group';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers, type GroupTimerHandlers } from './group-timers';
import { GroupWrites } from './group-writes';
import { OffsetService } from './offset-service';
import { ConsumerGroupService } from './consumer-group-service';

/** What the coordinator does when its timers fire (CG-31, CG-46…CG-50, OF-20): decide, then write. */
@injectable()
export class TimerExpiryService implements GroupTimerHandlers {
  private readonly log: Logger;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(OffsetService) private readonly offsets: OffsetService,
    @inject(ConsumerGroupService) private readonly consumers: ConsumerGroupService,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    this.log = logger.child({ component: 'group-timers' });
    timers.route(this);
  }

  /** CG-46 / CG-47. */
  onSessionExpired(groupId: string, memberId: string): void {
    const group = this.activeGroup(groupId);
    if (group === undefined) return;
    const events = decideSessionExpiry(
      group,
      memberId,
      { isNew: this.plumbing.isNew(groupId, memberId), syncParked: this.plumbing.hasParkedSync(groupId, memberId) },
      this.clock.now(),
    );
    if (events.length > 0) {
      this.log.info({ groupId, memberId }, 'member session expired');
      this.writes.write(events);
      return;
    }
    // A member awaiting a join or sync answer is alive (CG-46). Its session restarts, so it is
    // checked again rather than left without a timer if the answer never comes (a rebalance that
    // voids a parked SyncGroup, say).
    const member = group.members.get(memberId);
    if (member !== undefined) this.timers.armSession(groupId, memberId, member.sessionTimeoutMs);
  }

  /** CG-48: a MEMBER_ID_REQUIRED id that never came back no longer blocks the join phase. */
  onPendingExpired(groupId: string, memberId: string): void {
    if (this.activeGroup(groupId) === undefined || !this.plumbing.dropPending(groupId, memberId)) return;
    this.writes.completeJoinIfReady(groupId);
  }

  /** CG-50 / CG-32: the rebalance timeout passed. */
  onJoinDeadline(groupId: string): void {
    const group = this.activeGroup(groupId);
    if (group === undefined) return;
    const end = decideJoinDeadline(group, this.clock.now());
    this.writes.write(end.events);
    // TS-41: only static members that did not rejoin remain — wait another rebalance timeout.
    if (end.stuck) this.timers.armJoin(groupId, groupRebalanceTimeoutMs(group));
  }

  /** CG-31 (KIP-134). */
  onInitialDelay(groupId: string, armed: InitialDelayArm): void {
    const group = this.activeGroup(groupId);
    if (group === undefined || group.state !== 'PreparingRebalance') return;
    const step = decideInitialDelay(group, armed, this.config.groupInitialRebalanceDelayMs);
    if (step.kind === 'extend') this.timers.armInitialDelay(groupId, step.delayMs, step.next);
    else this.onJoinDeadline(groupId);
  }

  /** CG-49. */
  onSyncDeadline(groupId: string, generation: number): void {
    const group = this.activeGroup(groupId);
    if (group === undefined) return;
    this.writes.write(decideSyncExpiry(group, generation, this.plumbing.unsyncedMembers(groupId, generation), this.clock.now()));
  }

  /** CG-73 / OF-20: the retention job, every `offsets.retention.check.interval.ms`. */
  onExpiryCheck(): void {
    if (this.store.status !== 'active') return;
    void this.offsets.expireOffsets();
    this.timers.armExpiryCheck(this.config.offsetsRetentionCheckIntervalMs);
  }

  /** KC-28. */
  onConsumerSessionExpired(groupId: string, memberId: string): void {
    this.consumers.onSessionExpired(groupId, memberId);
  }

  /** KC-26. */
  onRebalanceExpired(groupId: string, memberId: string, epoch: number): void {
    this.consumers.onRebalanceExpired(groupId, memberId, epoch);
  }

  /** KC-62. */
  onClassicMemberDeadline(groupId: string, memberId: string, phase: 'JoinTimeout' | 'SyncTimeout'): void {
    this.consumers.onClassicMemberDeadline(groupId, memberId, phase);
  }

  private activeGroup(groupId: string) {
    return this.store.status === 'active' ? this.store.classicGroup(groupId) : undefined;
  }
}
