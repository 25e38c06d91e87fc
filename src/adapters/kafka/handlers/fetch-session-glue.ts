import type { TopicService } from '../../../application/topic-service';
import { FINAL_EPOCH, partitionKey, type FetchContext, type FetchSessionCache, type PartitionOutcome, type SessionPartition } from '../../../application/fetch-sessions';
import type { FetchRequest } from '../protocol';
import { ZERO_UUID } from '../protocol';

/** The partitions a Fetch serves, grouped by topic as the handler walks them. */
export interface WantedTopic {
  readonly name: string | null;
  readonly topicId: string;
  readonly partitions: ReadonlyArray<SessionPartition>;
}

/** A response partition as far as the session glue reads it. */
interface ResponsePartition {
  readonly partitionIndex: number;
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  readonly errorCode: number;
  readonly records: Buffer | null;
}

/**
 * Turns a Fetch request into its KIP-227 context: v7+ requests go through the session cache
 * (sessionless, full, incremental or a session error); v4–v6 and brokers without a cache are sessionless.
 */
export const fetchContextOf = (request: FetchRequest, version: number, topics: TopicService, sessions: FetchSessionCache | null): FetchContext => {
  const usesTopicIds = version >= 13;
  const resolve = (t: { topic: string; topicId: string }) =>
    usesTopicIds ? { topic: topics.getById(t.topicId)?.name ?? null, topicId: t.topicId } : { topic: t.topic, topicId: topics.get(t.topic)?.topicId ?? ZERO_UUID };
  const requested: SessionPartition[] = request.topics.flatMap((t) => {
    const id = resolve(t);
    return t.partitions.map((p) => ({
      ...id, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes,
      logStartOffset: p.logStartOffset, currentLeaderEpoch: p.currentLeaderEpoch, lastFetchedEpoch: p.lastFetchedEpoch,
    }));
  });
  if (version < 7 || sessions === null) return { kind: 'sessionless', partitions: requested };
  const forgotten = request.forgottenTopicsData.flatMap((f) => {
    const id = resolve(f);
    return f.partitions.map((partition) => ({ ...id, partition }));
  });
  // A cache of 0 slots still answers session ids it never issued with FETCH_SESSION_ID_NOT_FOUND.
  return sessions.newContext({ sessionId: request.sessionId, epoch: version >= 7 ? request.sessionEpoch : FINAL_EPOCH }, requested, forgotten, usesTopicIds);
};

/** Groups a context's partitions by topic, in first-seen order. */
export const wantedTopics = (partitions: ReadonlyArray<SessionPartition>): WantedTopic[] => {
  const byTopic = new Map<string, { name: string | null; topicId: string; partitions: SessionPartition[] }>();
  for (const p of partitions) {
    const k = `${p.topicId}\u0000${p.topic}`;
    let t = byTopic.get(k);
    if (t === undefined) byTopic.set(k, (t = { name: p.topic, topicId: p.topicId, partitions: [] }));
    t.partitions.push(p);
  }
  return [...byTopic.values()];
};

/**
 * Finishes a response for its context: a full request opens a session (its id, or 0 when the
 * cache has no room); an incremental one keeps only the partitions that changed (KIP-227).
 */
export const finishSessionResponse = <T extends { topic: string; topicId: string; partitions: ResponsePartition[] }>(
  context: FetchContext,
  sessions: FetchSessionCache | null,
  responses: T[],
  usesTopicIds: boolean,
): { sessionId: number; responses: T[] } => {
  const outcome = (p: ResponsePartition): PartitionOutcome => ({
    highWatermark: p.highWatermark, logStartOffset: p.logStartOffset, errorCode: p.errorCode, recordBytes: p.records?.length ?? 0,
  });
  const keyOf = (t: T, p: ResponsePartition) => partitionKey({ topic: t.topic === '' ? null : t.topic, topicId: t.topicId, partition: p.partitionIndex }, usesTopicIds);
  if (context.kind === 'full' && sessions !== null) {
    const outcomes = new Map<string, PartitionOutcome>();
    for (const t of responses) for (const p of t.partitions) outcomes.set(keyOf(t, p), outcome(p));
    return { sessionId: sessions.createSession(context, outcomes), responses };
  }
  if (context.kind === 'incremental' && sessions !== null) {
    const kept = responses
      .map((t) => ({ ...t, partitions: t.partitions.filter((p) => sessions.mustRespond(context, keyOf(t, p), outcome(p))) }))
      .filter((t) => t.partitions.length > 0);
    return { sessionId: context.session.id, responses: kept };
  }
  return { sessionId: 0, responses };
};
