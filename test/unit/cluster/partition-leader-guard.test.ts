import { partitionLeaderGuard } from '../../../src/adapters/kafka/handlers/partition-leader-guard';
import { API_KEY } from '../../../src/adapters/kafka/protocol';
import type { ApiHandler, RequestContext } from '../../../src/adapters/kafka/server/api-handler';
import { ErrorCode } from '../../../src/domain/error-code';

/**
 * Issue 15: in cluster mode a broker serves Produce, Fetch and ListOffsets only for the partitions
 * it leads; the others in the same request are answered NOT_LEADER_OR_FOLLOWER, and the handler
 * never sees them.
 */
const ctx = { connectionId: 1, header: { apiVersion: 9 }, clientId: 'c', clientHost: '/127.0.0.1' } as unknown as RequestContext;
const leadership = {
  leads: (topic: string, partition: number) => topic === 'a' && partition % 2 === 0,
  topicOf: (id: string) => (id === 'id-a' ? 'a' : undefined),
};
const recording = (apiKey: number, answer: (req: any) => object | null) => {
  const seen: any[] = [];
  const h: ApiHandler = { apiKey, minVersion: 0, maxVersion: 20, handle: (req) => (seen.push(req), answer(req)) };
  return { seen, guarded: partitionLeaderGuard(leadership)(h) };
};

test('Produce: led partitions go to the handler, the others answer NOT_LEADER_OR_FOLLOWER under the same topic', async () => {
  const { seen, guarded } = recording(API_KEY.Produce, (req) => ({
    throttleTimeMs: 0,
    responses: req.topicData.map((t: any) => ({ name: t.name, partitionResponses: t.partitionData.map((p: any) => ({ index: p.index, errorCode: 0 })) })),
  }));
  const out: any = await guarded.handle({ acks: -1, topicData: [{ name: 'a', partitionData: [{ index: 0 }, { index: 1 }] }, { name: 'b', partitionData: [{ index: 0 }] }] }, ctx);
  expect(seen).toHaveLength(1);
  expect(seen[0].topicData).toEqual([{ name: 'a', partitionData: [{ index: 0 }] }]);
  const codes = out.responses.flatMap((t: any) => t.partitionResponses.map((p: any) => `${t.name}-${p.index}:${p.errorCode}`));
  expect(codes.sort()).toEqual(['a-0:0', `a-1:${ErrorCode.NOT_LEADER_OR_FOLLOWER}`, `b-0:${ErrorCode.NOT_LEADER_OR_FOLLOWER}`]);
  expect(out.responses.filter((t: any) => t.name === 'a')).toHaveLength(1);
});

test('Produce with acks=0 answers nothing; a request of led partitions only passes through untouched', async () => {
  const { seen, guarded } = recording(API_KEY.Produce, () => null);
  expect(await guarded.handle({ acks: 0, topicData: [{ name: 'b', partitionData: [{ index: 0 }] }] }, ctx)).toBeNull();
  expect(seen).toHaveLength(0);
  const request = { acks: 1, topicData: [{ name: 'a', partitionData: [{ index: 2 }] }] };
  await guarded.handle(request, ctx);
  expect(seen[0]).toBe(request);
});

test('Fetch: topics named by id are resolved; nothing led here answers at once without the handler', async () => {
  const { seen, guarded } = recording(API_KEY.Fetch, (req) => ({
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: req.topics.map((t: any) => ({ topic: t.topic ?? '', topicId: t.topicId, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partition, errorCode: 0 })) })),
  }));
  const out: any = await guarded.handle({ topics: [{ topicId: 'id-a', partitions: [{ partition: 0 }, { partition: 3 }] }] }, ctx);
  expect(seen[0].topics).toEqual([{ topicId: 'id-a', partitions: [{ partition: 0 }] }]);
  expect(out.responses).toHaveLength(1);
  expect(out.responses[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode])).toEqual([[0, 0], [3, ErrorCode.NOT_LEADER_OR_FOLLOWER]]);
  const none: any = await guarded.handle({ topics: [{ topic: 'b', partitions: [{ partition: 0 }] }] }, ctx);
  expect(seen).toHaveLength(1);
  expect(none.responses[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  // An unknown topic id is left to the handler (UNKNOWN_TOPIC_ID).
  await guarded.handle({ topics: [{ topicId: 'nope', partitions: [{ partition: 1 }] }] }, ctx);
  expect(seen).toHaveLength(2);
});

test('ListOffsets: partitions not led answer NOT_LEADER_OR_FOLLOWER', async () => {
  const { guarded } = recording(API_KEY.ListOffsets, (req) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })),
  }));
  const out: any = await guarded.handle({ replicaId: -1, topics: [{ name: 'a', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] }, ctx);
  expect(out.topics[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode])).toEqual([[0, 0], [1, ErrorCode.NOT_LEADER_OR_FOLLOWER]]);
});
