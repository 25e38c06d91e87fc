import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { decideOffsetCommit } from '../../domain/group/decide-offset-commit';
import { materializedOffsetEvents, validateTxnOffsetCommit, type TxnOffsetCommitIdentity } from '../../domain/group/decide-txn-offset-commit';
import { decideOffsetDelete } from '../../domain/group/decide-offset-delete';
import { decideOffsetExpiry } from '../../domain/group/decide-offset-expiry';
import { validateConsumerOffsetFetch } from '../../domain/group/consumer/validate-consumer-offsets';
import type { GroupEvent } from '../../domain/group/events';
import { commitAddsOffsets } from '../../domain/group/growth';
import { forEachCommittedOffset, type CommittedOffset } from '../../domain/group/committed-offsets';
import type { Clock } from '../../ports/clock';
import type { Scheduler } from '../../ports/scheduler';
import { TYPES } from '../../ports/symbols';
import type {
  FetchedPartition,
  OffsetCommitCommand,
  OffsetCommitResult,
  OffsetDeleteCommand,
  OffsetDeleteResult,
  OffsetFetchCommand,
  OffsetFetchGroupResult,
  OffsetFetchResult,
} from './group-api';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';
import { GroupWrites } from './group-writes';
import { WriteDeadlines, type WriteOutcome } from './write-deadlines';
import { GrowthAdmission } from './growth-admission';

const fetched = (p: number, o: CommittedOffset | undefined): FetchedPartition =>
  o === undefined
    ? { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
    : { partitionIndex: p, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };

/** Offsets (OF-1…OF-41): commits answered once durable, committed reads, deletes, retention. */
@injectable()
export class OffsetService {
  /** TO-6: whether a partition of a group has a pending transactional offset (set by the composition root). */
  private pendingTxnOffset: (groupId: string, topic: string, partition: number) => boolean = () => false;
  /** GEN-3: the write timeout of commits in flight. */
  private readonly writeDeadlines: WriteDeadlines;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(GroupWrites) private readonly writes: GroupWrites,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Scheduler) private readonly scheduler: Scheduler,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
    @inject(GrowthAdmission) private readonly admission: GrowthAdmission,
  ) {
    this.writeDeadlines = new WriteDeadlines(scheduler, 'offset-commit-write-timeouts');
  }

  /** OffsetCommit for classic and simple groups; answered once the commits are durable (OF-7). */
  async commit(cmd: OffsetCommitCommand): Promise<OffsetCommitResult> {
    const all = (code: ErrorCode): OffsetCommitResult => ({
      topics: cmd.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return all(unavailable);
    const group = this.store.group(cmd.groupId);
    const decision = decideOffsetCommit(cmd, group, this.clock.now(), this.config.offsetMetadataMaxBytes);
    if (E.isLeft(decision)) return all(decision.left.code);
    if (group?.kind === 'classic' && (group.state === 'Stable' || group.state === 'PreparingRebalance')) {
      const m = group.members.get(cmd.memberId);
      if (m !== undefined) this.timers.armSession(cmd.groupId, m.memberId, m.sessionTimeoutMs); // OF-8
    }
    const { events, topics } = decision.right;
    // C6: near the heap limit a commit that adds a group or an offset is refused as a write that
    // cannot be made (GEN-3's retriable code); commits to offsets the group has go on.
    if (events.length > 0 && !this.admission.admits() && commitAddsOffsets(group, cmd.topics)) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (events.length > 0) {
      const outcome = await this.withWriteTimeout(this.writes.write(events).durable, this.config.offsetsCommitTimeoutMs);
      if (outcome === 'failed') return all(ErrorCode.NOT_COORDINATOR);
      // GEN-3: REQUEST_TIMED_OUT maps to COORDINATOR_NOT_AVAILABLE; the client retries. The write
      // itself goes on: if it lands, the commit is durable but was not acknowledged (allowed).
      if (outcome === 'timeout') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    return { topics };
  }

  /** Races a write against `offsets.commit.timeout.ms` (one Scheduler timer for all commits in flight). */
  private withWriteTimeout(write: Promise<boolean>, timeoutMs: number): Promise<WriteOutcome> {
    return this.writeDeadlines.race(write, timeoutMs);
  }

  /** OffsetFetch for one or more groups (OF-30…OF-34); committed reads unless requireStable. */
  async fetch(cmd: OffsetFetchCommand): Promise<OffsetFetchResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) {
      return { groups: cmd.groups.map((g) => ({ groupId: g.groupId, errorCode: unavailable, topics: [] })) };
    }
    // OF-33: a stable fetch is write-ordered: it waits for earlier in-flight commits.
    if (cmd.requireStable) await this.store.settled();
    return {
      groups: cmd.groups.map((g) => {
        // OF-35: a KIP-848 group checks the member id and epoch an OffsetFetch v9 names.
        const consumer = this.store.consumerGroup(g.groupId);
        if (consumer !== undefined && g.memberEpoch !== undefined) {
          const valid = validateConsumerOffsetFetch(consumer, g.memberId ?? null, g.memberEpoch);
          if (E.isLeft(valid)) return { groupId: g.groupId, errorCode: valid.left.code, topics: [] };
        }
        return this.fetchGroup(g.groupId, g.topics);
      }),
    };
  }

  private fetchGroup(groupId: string, topics: OffsetFetchCommand['groups'][number]['topics']): OffsetFetchGroupResult {
    if (topics === null) {
      const byTopic = new Map<string, FetchedPartition[]>();
      for (const o of this.store.committedOffsets(groupId)) {
        const list = byTopic.get(o.topic) ?? [];
        list.push(fetched(o.partition, o));
        byTopic.set(o.topic, list);
      }
      return { groupId, errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
    }
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => fetched(p, this.store.committedOffset(groupId, t.name, p))) })),
    };
  }

  /** TO-6: lets offset expiry see the transaction coordinator's pending offsets. */
  setPendingTxnOffsets(fn: (groupId: string, topic: string, partition: number) => boolean): void {
    this.pendingTxnOffset = fn;
  }

  /** offset.metadata.max.bytes (OF-5, TO-3). */
  metadataMaxBytes(): number {
    return this.config.offsetMetadataMaxBytes;
  }

  /** TO-2: the group side of a TxnOffsetCommit (one error for every partition). */
  validateTxnCommit(groupId: string, cmd: TxnOffsetCommitIdentity): ErrorCode {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return unavailable;
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const valid = validateTxnOffsetCommit(this.store.group(groupId), cmd);
    return E.isLeft(valid) ? valid.left.code : ErrorCode.NONE;
  }

  /** TO-5: a committed transaction's offsets, written as committed offsets; true once durable. */
  async materializeTxnOffsets(offsets: Parameters<typeof materializedOffsetEvents>[0]): Promise<boolean> {
    if (this.store.status !== 'active') return false;
    return this.writes.write(materializedOffsetEvents(offsets)).durable;
  }

  /** OffsetDelete (KIP-496, OF-40/41). */
  async delete(cmd: OffsetDeleteCommand): Promise<OffsetDeleteResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return { errorCode: unavailable, topics: [] };
    if (cmd.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const decision = decideOffsetDelete(cmd, this.store.group(cmd.groupId));
    if (E.isLeft(decision)) return { errorCode: decision.left.code, topics: [] };
    if (!(await this.writes.write(decision.right.events).durable)) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    return { errorCode: ErrorCode.NONE, topics: decision.right.topics };
  }

  /** CG-73 / OF-20: one pass of the retention job. */
  async expireOffsets(): Promise<void> {
    if (this.store.status !== 'active') return;
    const now = this.clock.now();
    const events: GroupEvent[] = [];
    for (const g of this.store.groups()) {
      events.push(...decideOffsetExpiry(g, now, this.config.offsetsRetentionMs, (topic, partition) => this.pendingTxnOffset(g.groupId, topic, partition)));
    }
    await this.writes.write(events).durable;
  }

  /** OF-22: offsets of deleted topics are tombstoned as soon as the deletion is observed. */
  async onTopicsDeleted(topics: readonly string[]): Promise<void> {
    if (this.store.status !== 'active') return;
    const deleted = new Set(topics);
    const events: GroupEvent[] = [];
    for (const g of this.store.groups()) {
      forEachCommittedOffset(g.offsets, (o) => {
        if (deleted.has(o.topic)) events.push({ type: 'OffsetDeleted', groupId: g.groupId, topic: o.topic, partition: o.partition });
      });
    }
    await this.writes.write(events).durable;
  }
}
