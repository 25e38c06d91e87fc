import { ErrorCode } from '../../domain/error-code';
import { shardOf } from '../../domain/cluster/shard-of';
import { joinError, syncError } from '../../domain/group/replies';
import { heartbeatError } from '../../domain/group/consumer/heartbeat-command';
import type { GroupCoordinator } from '../group-coordinator';
import type { GroupSummary } from '../group/group-admin-service';
import type { Group, GroupsState } from '../../domain/group/groups-state';
import type { GroupRequests } from '../group-requests';
import type {
  ConsumerHeartbeatCommand,
  ConsumerHeartbeatResult,
  DeleteGroupsResult,
  DescribedConsumerGroup,
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
} from '../group/group-api';

/** The coordinator of a shard this broker serves now (lease valid), or null. */
export type ShardLookup = (shard: number) => GroupCoordinator | null;

/**
 * Cluster mode's GroupRequests: each group goes to the coordinator of its shard (Kafka's hash of
 * the group id, docs/scale-out.md). A shard this broker does not own — or no longer owns, the
 * moment its lease lapses — answers NOT_COORDINATOR, which sends the client back to FindCoordinator.
 * Batched APIs split by shard and keep the request's order.
 */
/** Kafka's offset.metadata.max.bytes default, while this broker owns no shard. */
const DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096;

export class ShardRouter implements GroupRequests {
  constructor(
    private readonly shards: number,
    private readonly lookup: ShardLookup,
    /** Every coordinator this broker serves now (ListGroups, topic deletions). */
    private readonly owned: () => GroupCoordinator[],
  ) {}

  private of(groupId: string): GroupCoordinator | null {
    return this.lookup(shardOf(groupId, this.shards));
  }

  /** TO-2, the group side of a TxnOffsetCommit (cluster mode answers TxnOffsetCommit before it gets here). */
  validateTxnOffsetCommit(groupId: string, cmd: Parameters<GroupCoordinator['validateTxnOffsetCommit']>[1]): ErrorCode {
    return this.of(groupId)?.validateTxnOffsetCommit(groupId, cmd) ?? ErrorCode.NOT_COORDINATOR;
  }

  offsetMetadataMaxBytes(): number {
    return this.owned()[0]?.offsetMetadataMaxBytes() ?? DEFAULT_OFFSET_METADATA_MAX_BYTES;
  }

  joinGroup(cmd: JoinGroupCommand): Promise<JoinGroupResult> {
    return this.of(cmd.groupId)?.joinGroup(cmd) ?? Promise.resolve(joinError(cmd.memberId, ErrorCode.NOT_COORDINATOR));
  }

  syncGroup(cmd: SyncGroupCommand): Promise<SyncGroupResult> {
    return this.of(cmd.groupId)?.syncGroup(cmd) ?? Promise.resolve(syncError(ErrorCode.NOT_COORDINATOR));
  }

  heartbeat(cmd: HeartbeatCommand): Promise<{ errorCode: ErrorCode }> {
    return this.of(cmd.groupId)?.heartbeat(cmd) ?? Promise.resolve({ errorCode: ErrorCode.NOT_COORDINATOR });
  }

  leaveGroup(cmd: LeaveGroupCommand): Promise<LeaveGroupResult> {
    const c = this.of(cmd.groupId);
    if (c !== null) return c.leaveGroup(cmd);
    return Promise.resolve({
      errorCode: ErrorCode.NOT_COORDINATOR,
      members: cmd.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.NOT_COORDINATOR })),
    });
  }

  consumerGroupHeartbeat(cmd: ConsumerHeartbeatCommand): Promise<ConsumerHeartbeatResult> {
    return this.of(cmd.groupId)?.consumerGroupHeartbeat(cmd) ?? Promise.resolve(heartbeatError(ErrorCode.NOT_COORDINATOR));
  }

  describeConsumerGroups(groupIds: readonly string[]): DescribedConsumerGroup[] {
    return groupIds.map((groupId) => {
      const c = this.of(groupId);
      if (c !== null) return c.describeConsumerGroups([groupId])[0]!;
      return { errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: null, groupId, groupState: 'Dead', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
    });
  }

  offsetCommit(cmd: OffsetCommitCommand): Promise<OffsetCommitResult> {
    const c = this.of(cmd.groupId);
    if (c !== null) return c.offsetCommit(cmd);
    return Promise.resolve({
      topics: cmd.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NOT_COORDINATOR })) })),
    });
  }

  async offsetFetch(cmd: OffsetFetchCommand): Promise<OffsetFetchResult> {
    const groups = await Promise.all(
      cmd.groups.map(async (g) => {
        const c = this.of(g.groupId);
        if (c === null) return { groupId: g.groupId, errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
        return (await c.offsetFetch({ groups: [g], requireStable: cmd.requireStable })).groups[0]!;
      }),
    );
    return { groups };
  }

  offsetDelete(cmd: OffsetDeleteCommand): Promise<OffsetDeleteResult> {
    return this.of(cmd.groupId)?.offsetDelete(cmd) ?? Promise.resolve({ errorCode: ErrorCode.NOT_COORDINATOR, topics: [] });
  }

  async onTopicsDeleted(topics: readonly string[]): Promise<void> {
    await Promise.all(this.owned().map((c) => c.onTopicsDeleted(topics)));
  }

  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const c = this.of(groupId);
      if (c !== null) return c.describeGroups([groupId], apiVersion)[0]!;
      return { errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: null, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    });
  }

  /** Kafka's ListGroups names the groups of the shards this broker coordinates (clients ask every broker). */
  listGroups(query: ListGroupsQuery): ListGroupsResult {
    const results = this.owned().map((c) => c.listGroups(query));
    const failed = results.find((r) => r.errorCode !== ErrorCode.NONE);
    return { errorCode: failed?.errorCode ?? ErrorCode.NONE, groups: results.flatMap((r) => r.groups) };
  }

  /** The group pages (PE-13 over HTTP) of the groups this broker coordinates now. */
  groupSummaries(): GroupSummary[] {
    return this.owned().flatMap((c) => c.groupSummaries());
  }

  groupHistory(groupId: string): ReturnType<GroupCoordinator['groupHistory']> {
    return this.of(groupId)?.groupHistory(groupId);
  }

  /** The owned shards' groups, for the group gauges (a shard's groups appear once it is loaded here). */
  liveState(): Pick<GroupsState, 'groups'> {
    const groups = new Map<string, Group>();
    for (const c of this.owned()) for (const [id, g] of c.liveState().groups) groups.set(id, g);
    return { groups };
  }

  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupsResult> {
    const results = await Promise.all(
      groupIds.map(async (groupId) => {
        const c = this.of(groupId);
        if (c === null) return { groupId, errorCode: ErrorCode.NOT_COORDINATOR };
        return (await c.deleteGroups([groupId])).results[0]!;
      }),
    );
    return { results };
  }
}
