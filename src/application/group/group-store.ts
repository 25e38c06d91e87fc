import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import type { ClassicGroup } from '../../domain/group/classic-group';
import { isHardEvent, type GroupEvent } from '../../domain/group/events';
import { evolve, evolveOffsetCommitted } from '../../domain/group/evolve';
import { initialGroupsState, type CommittedOffset, type Group, type GroupsState } from '../../domain/group/groups-state';
import type { ConsumerGroup } from '../../domain/group/consumer/consumer-group';
import { evolveHistory, initialHistoryState, type HistoryState, type StoredHistory } from '../../domain/group/history';
import type { Logger } from '../../ports/logger';
import type { MetaLog, ReplaySink } from '../../ports/meta-log';
import { TYPES } from '../../ports/symbols';
import { CommittedReads } from './committed-reads';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { SnapshotCapture } from './snapshot-capture';

export type CoordinatorStatus = 'inactive' | 'loading' | 'active' | 'failed';

/**
 * The group aggregate and its history projection, folded from the events this store appends to the
 * MetaLog, and nothing else (PE-10). Every append folds at once (writes see the latest state) and
 * resolves true once durable; committed reads (GEN-6) look through the in-flight overlay. The
 * MetaLog is fail-stop: after a failed append the store is `failed` and every listener is told.
 */
@injectable()
export class GroupStore {
  private statusValue: CoordinatorStatus = 'inactive';
  private state: GroupsState = initialGroupsState();
  private history: HistoryState = initialHistoryState();
  private readonly reads = new CommittedReads();
  /** The snapshot being read whose groups are not all captured yet: every fold tells it first. */
  private capture: SnapshotCapture | null = null;
  private seq = 0;
  /** The latest append holding hard state (PE-1…PE-6); appends settle in order. */
  private lastWrite: Promise<boolean> = Promise.resolve(true);
  private readonly failureListeners: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    @inject(TYPES.MetaLog) private readonly metaLog: MetaLog,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    this.log = logger.child({ component: 'group-store' });
  }

  get status(): CoordinatorStatus {
    return this.statusValue;
  }

  /** GEN-2 / GEN-3: the error every group request gets now, or null when the coordinator serves. */
  unavailable(): ErrorCode | null {
    switch (this.statusValue) {
      case 'inactive':
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case 'loading':
        return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      case 'failed':
        return ErrorCode.NOT_COORDINATOR;
      default:
        return null;
    }
  }

  /** The group under this id, of either type. */
  group(groupId: string): Group | undefined {
    return this.state.groups.get(groupId);
  }

  /** The classic group under this id; undefined when missing or a KIP-848 group. */
  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.state.groups.get(groupId);
    return g?.kind === 'classic' ? g : undefined;
  }

  /** The KIP-848 consumer group under this id; undefined when missing or classic. */
  consumerGroup(groupId: string): ConsumerGroup | undefined {
    const g = this.state.groups.get(groupId);
    return g?.kind === 'consumer' ? g : undefined;
  }

  groups(): IterableIterator<Group> {
    return this.state.groups.values();
  }

  /** The live aggregate: must equal `replay` of every appended event (tests). */
  groupsState(): GroupsState {
    return this.state;
  }

  /** The group's history as the projection keeps it (`expandHistory` reads its records). */
  historyOf(groupId: string): StoredHistory | undefined {
    return this.history.get(groupId);
  }

  historyState(): HistoryState {
    return this.history;
  }

  /**
   * Folds `events` and appends them; resolves true once durable, false if the write failed. A batch
   * without hard state (PE-10: joins, rejoins, leaves, a rebalance's start and its generation) is
   * deferrable: no response waits for it, so it rides the next flush instead of forcing its own
   * fdatasync in front of the one a response waits for (issue 14, C2).
   */
  append(events: readonly GroupEvent[]): Promise<boolean> {
    const seq = ++this.seq;
    this.reads.record(seq, events, this.state);
    for (const e of events) this.fold(e);
    const hard = events.some(isHardEvent);
    const write = (hard ? this.metaLog.append(events) : this.metaLog.append(events, { deferrable: true })).then(
      () => {
        this.reads.durable(seq);
        return true;
      },
      (err: unknown) => {
        this.fail(err);
        return false;
      },
    );
    if (hard) this.lastWrite = write;
    return write;
  }

  /**
   * Resolves when every append of hard state so far has settled (OF-33's write-ordered read); a
   * later deferrable append of soft events (PE-10) is not waited for.
   */
  settled(): Promise<boolean> {
    return this.lastWrite;
  }

  /** Called once if the MetaLog fails (fail-stop). */
  onFailure(listener: () => void): void {
    this.failureListeners.push(listener);
  }

  // ------------------------------------------------------------------ committed reads (GEN-6)

  /** Is the group visible to committed reads (its creation durable)? */
  isDurable(groupId: string): boolean {
    return this.state.groups.has(groupId) && this.reads.isDurable(groupId);
  }

  committedOffset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.reads.offset(groupId, topic, partition, this.state.groups.get(groupId));
  }

  committedOffsets(groupId: string): CommittedOffset[] {
    return this.reads.groupOffsets(groupId, this.state.groups.get(groupId));
  }

  // ------------------------------------------------------------------ loading (PE-7…PE-12)

  /** GEN-2: group APIs answer COORDINATOR_LOAD_IN_PROGRESS until `activate`. */
  beginLoad(): void {
    this.statusValue = 'loading';
    // The groups a capture still waits for are no longer folded: it can go on capturing them as they are.
    this.capture = null;
    this.state = initialGroupsState();
    this.history = initialHistoryState();
    this.reads.clear();
  }

  /** Folds one durable event read back from the log or a snapshot. */
  applyReplayed(event: GroupEvent): void {
    this.fold(event);
  }

  /**
   * Folds one durable OffsetCommitted given as its fields (the replay fast path, C4): the same as
   * `applyReplayed` of the event — offset events never change the history projection. A bound
   * function, so the replay sink can be this very function with no wrapper to inline.
   */
  readonly applyReplayedOffsetCommitted: ReplaySink['offsetCommitted'] = (groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp) => {
    // No capture is open during a load: one call fewer per commit while the replay runs unoptimized.
    if (this.capture !== null) this.beforeChange(groupId);
    this.state = evolveOffsetCommitted(this.state, groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
  };

  activate(): void {
    this.statusValue = 'active';
  }

  /** The shard is unloaded (CG-74): requests get COORDINATOR_NOT_AVAILABLE. */
  deactivate(): void {
    this.statusValue = 'inactive';
  }

  /**
   * Events that rebuild the aggregate and the history (PE-9, PE-13) as they are now; the journal
   * writes them as a snapshot. Groups are captured as the snapshot is read or before a fold changes
   * them (SnapshotCapture); an earlier capture still open (a snapshot abandoned part-way) is
   * completed first, so at most one is ever open.
   */
  snapshotEvents(): Iterable<GroupEvent> {
    this.capture?.captureAll();
    const capture = new SnapshotCapture(this.state, this.history);
    this.capture = capture.open ? capture : null;
    return capture;
  }

  /** Tells an open snapshot capture that the group under `groupId` is about to change (a no-op without one). */
  private beforeChange(groupId: string): void {
    const capture = this.capture;
    if (capture === null) return;
    if (!capture.open) {
      this.capture = null;
      return;
    }
    const group = this.state.groups.get(groupId);
    if (group !== undefined) capture.beforeChange(group);
  }

  private fold(event: GroupEvent): void {
    this.beforeChange(event.groupId);
    this.state = evolve(this.state, event);
    this.history = evolveHistory(this.history, event, this.state.groups.get(event.groupId), this.config.historyMaxGenerations);
  }

  private fail(err: unknown): void {
    // Already failed, or unloaded: nothing here serves requests any more.
    if (this.statusValue === 'failed' || this.statusValue === 'inactive') return;
    this.log.error({ err }, 'group metadata write failed; coordinator stops accepting writes');
    this.statusValue = 'failed';
    this.reads.clear();
    for (const l of this.failureListeners) l();
  }
}
