import { RawClient } from '../../e2e/support/raw-client';
import { API_KEY } from '../../../src/adapters/kafka/protocol';
import { sleep, type BrokerProcess } from '../../e2e/support/broker-process';

/** FindCoordinator v4 (batched, KIP-699) on one broker: each group's coordinator node id (-1: none) and error. */
export const findCoordinators = async (port: number, groupIds: string[]): Promise<Map<string, { nodeId: number; port: number; errorCode: number }>> => {
  const c = await RawClient.connect(port);
  try {
    const r = await c.send(API_KEY.FindCoordinator, 4, { keyType: 0, coordinatorKeys: groupIds });
    return new Map(r.body.coordinators.map((x: { key: string; nodeId: number; port: number; errorCode: number }) => [x.key, { nodeId: x.nodeId, port: x.port, errorCode: x.errorCode }]));
  } finally {
    c.close();
  }
};

/** OffsetFetch v3 of one partition on one broker: the group-level error code and the committed offset. */
export const offsetFetch = async (port: number, groupId: string, topic: string, partitions: number[]): Promise<{ errorCode: number; offsets: Map<number, number> }> => {
  const c = await RawClient.connect(port);
  try {
    const r = await c.send(API_KEY.OffsetFetch, 3, { groupId, topics: [{ name: topic, partitionIndexes: partitions }] });
    const offsets = new Map<number, number>();
    for (const t of r.body.topics) for (const p of t.partitions) offsets.set(p.partitionIndex, Number(p.committedOffset));
    return { errorCode: r.body.errorCode, offsets };
  } finally {
    c.close();
  }
};

/**
 * Polls until every group is coordinated by a live broker that answers OffsetFetch for it without
 * error; resolves with the committed offsets per group and the time it took.
 */
export const waitCoordinated = async (
  live: BrokerProcess[],
  groupIds: string[],
  topic: string,
  partitions: number[],
  timeoutMs: number,
): Promise<{ ms: number; committed: Map<string, Map<number, number>> }> => {
  const started = Date.now();
  const pending = new Set(groupIds);
  const committed = new Map<string, Map<number, number>>();
  const ports = new Map(live.map((b) => [b.port, b]));
  for (let round = 0; pending.size > 0; round++) {
    if (Date.now() - started > timeoutMs) throw new Error(`groups not coordinated within ${timeoutMs} ms: ${[...pending].join(',')}`);
    try {
      const owners = await findCoordinators(live[round % live.length]!.port, [...pending]);
      for (const [g, o] of owners) {
        if (o.errorCode !== 0 || !ports.has(o.port)) continue;
        const f = await offsetFetch(o.port, g, topic, partitions);
        if (f.errorCode === 0) {
          pending.delete(g);
          committed.set(g, f.offsets);
        }
      }
    } catch {
      // A broker may be restarting; try the next one.
    }
    if (pending.size > 0) await sleep(100);
  }
  return { ms: Date.now() - started, committed };
};

/** Followers learn topics by tailing the metadata shard: waits until every broker's Metadata lists `topic`. */
export const topicOnEveryBroker = async (brokers: BrokerProcess[], topic: string, timeoutMs = 15_000): Promise<void> => {
  const started = Date.now();
  for (const b of brokers) {
    for (;;) {
      const c = await RawClient.connect(b.port);
      try {
        const r = await c.send(API_KEY.Metadata, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false });
        if (r.body.topics[0]?.errorCode === 0) break;
      } finally {
        c.close();
      }
      if (Date.now() - started > timeoutMs) throw new Error(`topic ${topic} not on broker ${b.port} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
};
