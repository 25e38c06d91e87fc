import 'reflect-metadata';
import { ContainerModule, inject, injectable } from 'inversify';
import type { ErrorCode } from '../domain/error-code';
import type { ClassicGroup } from '../domain/group/classic-group';
import type { GroupEvent } from '../domain/group/events';
import type { GroupsState } from '../domain/group/groups-state';
import type { HistoryState } from '../domain/group/history';
import type {
  DeleteGroupsResult,
  DescribedGroup,
  HeartbeatCommand,
  JoinGroupCommand,
  JoinGroupResult,
  LeaveGroupCommand,
  LeaveGroupResult,
  ListGroupsQuery,
  ListGroupsResult,
  OffsetCommitCommand,
  OffsetCommitResult,
  OffsetDeleteCommand,
  OffsetDeleteResult,
  OffsetFetchCommand,
  OffsetFetchResult,
  SyncGroupCommand,
  SyncGroupResult,
  ConsumerHeartbeatCommand,
  ConsumerHeartbeatResult,
  DescribedConsumerGroup,
} from './group/group-api';
import { GroupAdminService, type GroupSummary } from './group/group-admin-service';
import { GroupLoader } from './group/group-loader';
import { GroupPlumbing } from './group/group-plumbing';
import { GroupStore } from './group/group-store';
import { GroupTimers } from './group/group-timers';
import { GroupWrites } from './group/group-writes';
import { HeartbeatService } from './group/heartbeat-service';
import { JoinService } from './group/join-service';
import { LeaveService } from './group/leave-service';
import { OffsetService } from './group/offset-service';
import { GrowthAdmission } from './group/growth-admission';
import { SyncService } from './group/sync-service';
import { TimerExpiryService } from './group/timer-expiry-service';
import { ConsumerGroupService } from './group/consumer-group-service';
import { ConsumerContext } from './group/consumer-context';
import { ClassicMemberService } from './group/classic-member-service';
import type { ConsumerGroup } from '../domain/group/consumer/consumer-group';
import type { ReplaySink } from '../ports/meta-log';

export { GROUP_COORDINATOR_CONFIG, defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from './group/group-config';

/**
 * The group coordinator's services as one inversify module: bind the ports (Clock, Scheduler,
 * MetaLog, Logger, TOPIC_METADATA, TOPIC_REGEX, CONSUMER_PROTOCOL, HEAP_GAUGE) and GROUP_COORDINATOR_CONFIG, load this, get
 * GroupCoordinator.
 */
export const groupCoordinatorModule = new ContainerModule(({ bind }) => {
  for (const service of [
    GroupStore,
    GroupPlumbing,
    GroupTimers,
    GroupWrites,
    GrowthAdmission,
    JoinService,
    SyncService,
    HeartbeatService,
    LeaveService,
    OffsetService,
    GroupAdminService,
    ConsumerContext,
    ConsumerGroupService,
    ClassicMemberService,
    TimerExpiryService,
    GroupLoader,
    GroupCoordinator,
  ] as const) {
    bind(service as never).toSelf().inSingletonScope();
  }
});

/**
 * The group coordinator (classic and KIP-848 consumer groups) and offset manager of one broker (all shards in one), as the Kafka
 * handlers see it: one entry point per API, each delegating to the service of its concern. It holds
 * nothing itself; the aggregate is the GroupStore's, folded from events (PE-10).
 */
@injectable()
export class GroupCoordinator {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupLoader) private readonly loader: GroupLoader,
    @inject(JoinService) private readonly joins: JoinService,
    @inject(SyncService) private readonly syncs: SyncService,
    @inject(HeartbeatService) private readonly heartbeats: HeartbeatService,
    @inject(LeaveService) private readonly leaves: LeaveService,
    @inject(OffsetService) private readonly offsets: OffsetService,
    @inject(GroupAdminService) private readonly admin: GroupAdminService,
    @inject(ConsumerGroupService) private readonly consumers: ConsumerGroupService,
    // Constructed for its side effect: it routes the timers to their handlers.
    @inject(TimerExpiryService) readonly timerHandlers: TimerExpiryService,
  ) {}

  start(): Promise<void> {
    return this.loader.start();
  }
  beginLoad(): void {
    this.loader.beginLoad();
  }
  applyReplayed(event: GroupEvent): void {
    this.loader.applyReplayed(event);
  }
  /** `applyReplayed` of an OffsetCommitted given as its fields (the MetaLog's replay fast path, C4). */
  get applyReplayedOffsetCommitted(): ReplaySink['offsetCommitted'] {
    return this.loader.applyReplayedOffsetCommitted;
  }
  completeLoad(): void {
    this.loader.completeLoad();
  }
  unload(): void {
    this.loader.unload();
  }

  joinGroup(cmd: JoinGroupCommand): Promise<JoinGroupResult> {
    return this.joins.join(cmd);
  }
  syncGroup(cmd: SyncGroupCommand): Promise<SyncGroupResult> {
    return this.syncs.sync(cmd);
  }
  async heartbeat(cmd: HeartbeatCommand): Promise<{ errorCode: ErrorCode }> {
    return this.heartbeats.heartbeat(cmd);
  }
  leaveGroup(cmd: LeaveGroupCommand): Promise<LeaveGroupResult> {
    return this.leaves.leave(cmd);
  }
  /** ConsumerGroupHeartbeat (KIP-848). */
  consumerGroupHeartbeat(cmd: ConsumerHeartbeatCommand): Promise<ConsumerHeartbeatResult> {
    return this.consumers.heartbeat(cmd);
  }
  /** ConsumerGroupDescribe (KC-50). */
  describeConsumerGroups(groupIds: readonly string[]): DescribedConsumerGroup[] {
    return this.admin.describeConsumerGroups(groupIds);
  }
  /** KC-24: topics were created, deleted or grew (the composition root calls this). */
  onTopicMetadataChanged(): void {
    this.consumers.onTopicMetadataChanged();
  }
  offsetCommit(cmd: OffsetCommitCommand): Promise<OffsetCommitResult> {
    return this.offsets.commit(cmd);
  }
  offsetFetch(cmd: OffsetFetchCommand): Promise<OffsetFetchResult> {
    return this.offsets.fetch(cmd);
  }
  offsetDelete(cmd: OffsetDeleteCommand): Promise<OffsetDeleteResult> {
    return this.offsets.delete(cmd);
  }
  /** offset.metadata.max.bytes (TO-3). */
  offsetMetadataMaxBytes(): number {
    return this.offsets.metadataMaxBytes();
  }
  /** TO-2: the group side of a TxnOffsetCommit. */
  validateTxnOffsetCommit(groupId: string, cmd: Parameters<OffsetService['validateTxnCommit']>[1]): ErrorCode {
    return this.offsets.validateTxnCommit(groupId, cmd);
  }
  /** TO-6: offset expiry skips partitions with a pending transactional offset. */
  setPendingTxnOffsets(fn: (groupId: string, topic: string, partition: number) => boolean): void {
    this.offsets.setPendingTxnOffsets(fn);
  }
  /** TO-5: a committed transaction's offsets become committed offsets (true once durable). */
  materializeTxnOffsets(offsets: Parameters<OffsetService['materializeTxnOffsets']>[0]): Promise<boolean> {
    return this.offsets.materializeTxnOffsets(offsets);
  }
  expireOffsets(): Promise<void> {
    return this.offsets.expireOffsets();
  }
  onTopicsDeleted(topics: readonly string[]): Promise<void> {
    return this.offsets.onTopicsDeleted(topics);
  }
  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    return this.admin.describe(groupIds, apiVersion);
  }
  listGroups(query: ListGroupsQuery): ListGroupsResult {
    return this.admin.list(query);
  }
  deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupsResult> {
    return this.admin.delete(groupIds);
  }
  groupSummaries(): GroupSummary[] {
    return this.admin.summaries();
  }
  groupHistory(groupId: string): ReturnType<GroupAdminService['history']> {
    return this.admin.history(groupId);
  }

  /** The live aggregate of one group (tests and admin views). */
  groupView(groupId: string): Readonly<ClassicGroup> | undefined {
    return this.store.classicGroup(groupId);
  }
  /** The live aggregate of one KIP-848 group (tests and admin views). */
  consumerGroupView(groupId: string): Readonly<ConsumerGroup> | undefined {
    return this.store.consumerGroup(groupId);
  }
  /** The live aggregate: equals `replay` of every appended event. */
  liveState(): GroupsState {
    return this.store.groupsState();
  }
  historyState(): HistoryState {
    return this.store.historyState();
  }
  /** Events rebuilding the aggregate and history (the MetaJournal's snapshot source). */
  snapshotEvents(): Iterable<GroupEvent> {
    return this.store.snapshotEvents();
  }
}
