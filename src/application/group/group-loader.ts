import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { isGroupEvent, type GroupEvent } from '../../domain/group/events';
import { recover } from '../../domain/group/recover';
import { joinError, syncError } from '../../domain/group/replies';
import type { Clock } from '../../ports/clock';
import { replayToSink, type MetaLog, type ReplaySink } from '../../ports/meta-log';
import { TYPES } from '../../ports/symbols';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { ConsumerGroupService } from './consumer-group-service';

/**
 * Loading and unloading the coordinator (GEN-2, PE-7…PE-12, CG-74): replay folds the same events
 * as live traffic; then the pure `recover` step normalizes to Kafka's reload semantics (recorded as
 * GroupRecovered), and the soft state restarts — a fresh session timer for every member and the
 * offsets retention job.
 */
@injectable()
export class GroupLoader {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(ConsumerGroupService) private readonly consumers: ConsumerGroupService,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.MetaLog) private readonly metaLog: MetaLog,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    // GEN-3 / fail-stop: after a failed write nothing more can become durable.
    store.onFailure(() => this.dropSoftState());
  }

  /** Replays the whole MetaLog and activates the coordinator (tests; the broker uses recovery). */
  async start(): Promise<void> {
    this.beginLoad();
    await replayToSink(this.metaLog, 0, {
      event: (event) => {
        if (isGroupEvent(event)) this.applyReplayed(event);
      },
      offsetCommitted: this.applyReplayedOffsetCommitted,
    });
    this.completeLoad();
  }

  /** Enters the loading state (GEN-2: group APIs answer COORDINATOR_LOAD_IN_PROGRESS). */
  beginLoad(): void {
    this.dropSoftState();
    this.store.beginLoad();
  }

  /** Folds one durable event read back from the log or a snapshot. */
  applyReplayed(event: GroupEvent): void {
    this.store.applyReplayed(event);
  }

  /** Folds one durable OffsetCommitted given as its fields (the MetaLog's replay fast path, C4): the store's own fold. */
  get applyReplayedOffsetCommitted(): ReplaySink['offsetCommitted'] {
    return this.store.applyReplayedOffsetCommitted;
  }

  /**
   * PE-11: recover, then fresh timers for every member (KIP-848 members: a session timer, and a
   * rebalance timer while revoking; their subscription metadata is stale), then the retention job.
   */
  completeLoad(): void {
    this.store.activate();
    this.writes.write(recover(this.store.groupsState(), this.clock.now(), this.config.groupMaxSize));
    for (const g of this.store.groups()) {
      if (g.kind === 'classic') for (const m of g.members.values()) this.timers.armSession(g.groupId, m.memberId, m.sessionTimeoutMs);
    }
    this.consumers.recoverTimers();
    this.timers.armExpiryCheck(this.config.offsetsRetentionCheckIntervalMs);
  }

  /** CG-74: the shard is unloaded; parked requests and later ones get NOT_COORDINATOR. */
  unload(): void {
    this.dropSoftState();
    this.store.deactivate();
  }

  private dropSoftState(): void {
    this.consumers.dropTimers();
    for (const g of this.store.groups()) {
      for (const m of g.members.values()) this.timers.cancelSession(g.groupId, m.memberId);
      for (const id of this.plumbing.pendingIds(g.groupId)) this.timers.cancelPending(g.groupId, id);
      this.timers.cancelJoin(g.groupId);
      this.timers.cancelSync(g.groupId);
    }
    this.timers.cancelExpiryCheck();
    this.plumbing.dropAll((memberId) => joinError(memberId, ErrorCode.NOT_COORDINATOR), syncError(ErrorCode.NOT_COORDINATOR));
  }
}
