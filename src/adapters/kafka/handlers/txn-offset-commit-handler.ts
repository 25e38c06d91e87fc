import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { TopicService } from '../../../application/topic-service';
import type { PendingTxnOffset } from '../../../domain/transaction/txn-metadata';
import type { TxnOffsetCommitRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * TxnOffsetCommit v0–v4 (TO-1…TO-5): the group is validated (KIP-447), then the offsets are
 * recorded as pending in the producer's transaction; they become committed offsets only when the
 * transaction commits, and vanish when it aborts.
 */
export const txnOffsetCommitHandler = (txns: TransactionCoordinator, groups: GroupRequests, topics: TopicService, now: () => number): ApiHandler => ({
  apiKey: API_KEY.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(request: TxnOffsetCommitRequest, ctx) {
    const version = ctx.header.apiVersion;
    const all = (code: number) => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    const groupCode = groups.validateTxnOffsetCommit(request.groupId, {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
    });
    if (groupCode !== ErrorCode.NONE) {
      return all(groupCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && version < 2 ? ErrorCode.COORDINATOR_NOT_AVAILABLE : groupCode);
    }
    const commitTimestamp = now();
    const metadataMax = groups.offsetMetadataMaxBytes();
    const codes = new Map<string, number>();
    const offsets: PendingTxnOffset[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}/${p.partitionIndex}`;
        if (topics.partitionLog(t.name, p.partitionIndex) === undefined) codes.set(key, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else if ((p.committedMetadata ?? '').length > metadataMax) codes.set(key, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        else {
          offsets.push({
            groupId: request.groupId, topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset),
            leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? '', commitTimestamp,
          });
        }
      }
    }
    const code = await txns.txnOffsetCommit({ txnId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch }, request.groupId, offsets, version);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(`${t.name}/${p.partitionIndex}`) ?? code })),
      })),
    };
  },
});
