import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideConsumerHeartbeat } from '../../domain/group/consumer/decide-consumer-heartbeat';
import { decideConsumerSessionExpiry, decideRebalanceExpiry, removeMember } from '../../domain/group/consumer/decide-consumer-leave';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatResult } from '../../domain/group/consumer/heartbeat-command';
import type { GroupEvent } from '../../domain/group/events';
import { consumerJoinAddsMember } from '../../domain/group/growth';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import { ConsumerContext } from './consumer-context';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { GrowthAdmission } from './growth-admission';

export { SERVER_ASSIGNORS } from './consumer-context';

/**
 * ConsumerGroupHeartbeat (KIP-848, KC-10…KC-32) and the KIP-848 timers: decide, refresh the
 * member's session (KC-28), write. Every KIP-848 event is a Kafka record, so a heartbeat that wrote
 * any is answered once they are durable (GEN-5).
 */
@injectable()
export class ConsumerGroupService {
  private readonly log: Logger;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(ConsumerContext) private readonly context: ConsumerContext,
    @inject(GrowthAdmission) private readonly admission: GrowthAdmission,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    this.log = logger.child({ component: 'consumer-group' });
  }

  async heartbeat(cmd: ConsumerHeartbeatCommand): Promise<ConsumerHeartbeatResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return heartbeatError(unavailable);
    const group = this.store.group(cmd.groupId);
    // C6: near the heap limit a joining member is refused (KC-20's error); members already in the group go on.
    if (consumerJoinAddsMember(group, cmd.memberId, cmd.memberEpoch, cmd.instanceId) && !this.admission.admits()) {
      return heartbeatError(ErrorCode.GROUP_MAX_SIZE_REACHED);
    }
    const stale = this.plumbing.isMetadataStale(cmd.groupId);
    const newMemberId = cmd.memberId === '' ? this.config.generateConsumerMemberId() : cmd.memberId;
    const decision = decideConsumerHeartbeat(cmd, group, this.context.request(cmd.groupId, this.clock.now(), newMemberId, stale));
    if (E.isLeft(decision)) return decision.left;
    const { events, response, memberId } = decision.right;
    if (memberId !== null) {
      // KC-28: every heartbeat restarts the session, with the server's timeout.
      this.timers.armConsumerSession(cmd.groupId, memberId, this.config.consumerSessionTimeoutMs);
      if (stale) this.plumbing.metadataRefreshed(cmd.groupId);
    }
    if (events.length === 0) return response;
    if (cmd.memberEpoch < 0) this.log.info({ groupId: cmd.groupId, memberId: cmd.memberId, memberEpoch: cmd.memberEpoch }, 'member left the consumer group');
    return (await this.write(cmd.groupId, events)) ? response : heartbeatError(ErrorCode.NOT_COORDINATOR);
  }

  /**
   * Writes KIP-848 events; resolves true once durable. When they converted the group to a classic
   * one (KC-62 downgrade), the members' KIP-848 timers give way to classic session timers.
   */
  write(groupId: string, events: readonly GroupEvent[]): Promise<boolean> {
    const before = this.store.consumerGroup(groupId);
    const members = before === undefined ? [] : [...before.members.keys()];
    const durable = this.writes.write(events).durable;
    const after = this.store.classicGroup(groupId);
    if (before !== undefined && after !== undefined) {
      this.log.info({ groupId, generation: after.generation }, 'consumer group downgraded to a classic group');
      for (const id of members) this.dropMemberTimers(groupId, id);
      for (const m of after.members.values()) this.timers.armSession(groupId, m.memberId, m.sessionTimeoutMs);
    }
    return durable;
  }

  /** KC-28. */
  onSessionExpired(groupId: string, memberId: string): void {
    const g = this.activeGroup(groupId);
    if (g === undefined) return;
    const events = decideConsumerSessionExpiry(g, memberId, this.context.conversion(groupId, this.clock.now()));
    if (events.length > 0) this.log.info({ groupId, memberId }, 'consumer group member session expired');
    void this.write(groupId, events);
  }

  /** KC-26. */
  onRebalanceExpired(groupId: string, memberId: string, epoch: number): void {
    const g = this.activeGroup(groupId);
    if (g === undefined) return;
    const events = decideRebalanceExpiry(g, memberId, epoch, this.context.conversion(groupId, this.clock.now()));
    if (events.length > 0) this.log.info({ groupId, memberId, epoch }, 'consumer group member did not revoke its partitions in time');
    void this.write(groupId, events);
  }

  /** KC-62: a classic member did not rejoin (or sync) within its rebalance timeout. */
  onClassicMemberDeadline(groupId: string, memberId: string, phase: 'JoinTimeout' | 'SyncTimeout'): void {
    const g = this.activeGroup(groupId);
    if (g === undefined || !g.members.has(memberId)) return;
    this.log.info({ groupId, memberId, phase }, 'classic member of a consumer group timed out');
    void this.write(groupId, removeMember(g, memberId, phase, this.context.conversion(groupId, this.clock.now())));
  }

  /** KC-24: topics were created, deleted or grew; every KIP-848 group recomputes at its next heartbeat. */
  onTopicMetadataChanged(): void {
    for (const g of this.store.groups()) if (g.kind === 'consumer') this.plumbing.markMetadataStale(g.groupId);
  }

  /** PE-11: fresh session timers for every member, rebalance timers for members revoking, metadata stale. */
  recoverTimers(): void {
    for (const g of this.store.groups()) {
      if (g.kind !== 'consumer') continue;
      this.plumbing.markMetadataStale(g.groupId);
      for (const m of g.members.values()) {
        this.timers.armConsumerSession(g.groupId, m.memberId, m.classic?.sessionTimeoutMs ?? this.config.consumerSessionTimeoutMs);
        if (m.state === 'UNREVOKED_PARTITIONS' && m.memberEpoch >= 0) this.timers.armRebalance(g.groupId, m.memberId, m.memberEpoch, Math.max(m.rebalanceTimeoutMs, 0));
      }
    }
  }

  /** Cancels every KIP-848 timer (unload, failure). */
  dropTimers(): void {
    for (const g of this.store.groups()) {
      if (g.kind !== 'consumer') continue;
      for (const m of g.members.values()) this.dropMemberTimers(g.groupId, m.memberId);
    }
  }

  private dropMemberTimers(groupId: string, memberId: string): void {
    this.timers.cancelConsumerSession(groupId, memberId);
    this.timers.cancelRebalance(groupId, memberId);
    this.timers.cancelClassicMemberDeadline(groupId, memberId, 'JoinTimeout');
    this.timers.cancelClassicMemberDeadline(groupId, memberId, 'SyncTimeout');
  }

  private activeGroup(groupId: string) {
    return this.store.status === 'active' ? this.store.consumerGroup(groupId) : undefined;
  }
}
