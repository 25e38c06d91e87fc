import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { UNIFORM, uniformAssignor } from '../../domain/group/assignors/uniform-assignor';
import { RANGE, rangeAssignor } from '../../domain/group/assignors/range-assignor';
import type { Assignor } from '../../domain/group/assignors/assignor';
import { decideConsumerHeartbeat } from '../../domain/group/consumer/decide-consumer-heartbeat';
import { decideConsumerSessionExpiry, decideRebalanceExpiry } from '../../domain/group/consumer/decide-consumer-leave';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatResult, type ConsumerSettings } from '../../domain/group/consumer/heartbeat-command';
import type { TopicLookup } from '../../domain/group/consumer/subscription';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import { TOPIC_METADATA, type TopicMetadataSource } from '../../ports/topic-metadata';
import { TOPIC_REGEX, type TopicRegexCompiler } from '../../ports/topic-regex';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';

/** Every server assignor Cohort implements (KC-40, KC-41); `group.consumer.assignors` picks among them. */
export const SERVER_ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  [UNIFORM, uniformAssignor],
  [RANGE, rangeAssignor],
]);

/**
 * ConsumerGroupHeartbeat (KIP-848, KC-10…KC-32) and its timers: decide, refresh the member's
 * session (KC-28), write. Every KIP-848 event is a Kafka record, so a heartbeat that wrote any is
 * answered once they are durable (GEN-5).
 */
@injectable()
export class ConsumerGroupService {
  private readonly log: Logger;
  private readonly settings: ConsumerSettings;
  readonly topicLookup: TopicLookup;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
    @inject(TOPIC_METADATA) topics: TopicMetadataSource,
    @inject(TOPIC_REGEX) private readonly compileRegex: TopicRegexCompiler,
  ) {
    this.log = logger.child({ component: 'consumer-group' });
    const assignors = new Map<string, Assignor>();
    for (const name of config.consumerAssignors) {
      const a = SERVER_ASSIGNORS.get(name);
      if (a !== undefined) assignors.set(name, a);
    }
    this.settings = {
      heartbeatIntervalMs: config.consumerHeartbeatIntervalMs,
      maxSize: config.consumerMaxSize,
      assignors,
      defaultAssignor: config.consumerAssignors[0] ?? UNIFORM,
    };
    this.topicLookup = {
      byName: (name) => topics.get(name),
      names: () => topics.list().map((t) => t.name),
    };
  }

  async heartbeat(cmd: ConsumerHeartbeatCommand): Promise<ConsumerHeartbeatResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return heartbeatError(unavailable);
    const stale = this.plumbing.isMetadataStale(cmd.groupId);
    const decision = decideConsumerHeartbeat(cmd, this.store.group(cmd.groupId), {
      ...this.settings,
      now: this.clock.now(),
      newMemberId: cmd.memberId === '' ? this.config.generateConsumerMemberId() : cmd.memberId,
      topics: this.topicLookup,
      compileRegex: this.compileRegex,
      metadataStale: stale,
    });
    if (E.isLeft(decision)) return decision.left;
    const { events, response, memberId } = decision.right;
    if (memberId !== null) {
      // KC-28: every heartbeat restarts the session, with the server's timeout.
      this.timers.armConsumerSession(cmd.groupId, memberId, this.config.consumerSessionTimeoutMs);
      if (stale) this.plumbing.metadataRefreshed(cmd.groupId);
    }
    if (events.length === 0) return response;
    if (cmd.memberEpoch < 0) this.log.info({ groupId: cmd.groupId, memberId: cmd.memberId, memberEpoch: cmd.memberEpoch }, 'member left the consumer group');
    const written = await this.writes.write(events).durable;
    return written ? response : heartbeatError(ErrorCode.NOT_COORDINATOR);
  }

  /** KC-28. */
  onSessionExpired(groupId: string, memberId: string): void {
    const g = this.activeGroup(groupId);
    if (g === undefined) return;
    const events = decideConsumerSessionExpiry(g, memberId, this.topicLookup, this.clock.now());
    if (events.length > 0) this.log.info({ groupId, memberId }, 'consumer group member session expired');
    this.writes.write(events);
  }

  /** KC-26. */
  onRebalanceExpired(groupId: string, memberId: string, epoch: number): void {
    const g = this.activeGroup(groupId);
    if (g === undefined) return;
    const events = decideRebalanceExpiry(g, memberId, epoch, this.topicLookup, this.clock.now());
    if (events.length > 0) this.log.info({ groupId, memberId, epoch }, 'consumer group member did not revoke its partitions in time');
    this.writes.write(events);
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
        this.timers.armConsumerSession(g.groupId, m.memberId, this.config.consumerSessionTimeoutMs);
        if (m.state === 'UNREVOKED_PARTITIONS' && m.memberEpoch >= 0) this.timers.armRebalance(g.groupId, m.memberId, m.memberEpoch, Math.max(m.rebalanceTimeoutMs, 0));
      }
    }
  }

  /** Cancels every KIP-848 timer (unload, failure). */
  dropTimers(): void {
    for (const g of this.store.groups()) {
      if (g.kind !== 'consumer') continue;
      for (const m of g.members.values()) {
        this.timers.cancelConsumerSession(g.groupId, m.memberId);
        this.timers.cancelRebalance(g.groupId, m.memberId);
      }
    }
  }

  private activeGroup(groupId: string) {
    return this.store.status === 'active' ? this.store.consumerGroup(groupId) : undefined;
  }
}
