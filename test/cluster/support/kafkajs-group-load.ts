import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

/** What the consumers of one group saw and what the coordinator acknowledged to them. */
export interface GroupLedger {
  /** Offsets consumed per partition (duplicates after a rebalance are allowed, gaps are not). */
  readonly consumed: Map<number, Set<number>>;
  /** Highest committed "next offset" the coordinator acknowledged, per partition. */
  readonly acked: Map<number, number>;
  /** Latest assignment of each consumer (GROUP_JOIN). */
  readonly assignments: Map<string, number[]>;
}

export const newLedger = (): GroupLedger => ({ consumed: new Map(), acked: new Map(), assignments: new Map() });

const client = (bootstrap: string[], clientId: string) =>
  new Kafka({ clientId, brokers: bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 } });

let consumerSeq = 0;

/** A kafkajs consumer committing what it consumed every 100 ms (autoCommit); acknowledged commits come from COMMIT_OFFSETS. */
export const startCommittingConsumer = async (bootstrap: string[], groupId: string, topic: string, ledger: GroupLedger): Promise<Consumer> => {
  // Retries outlast a failover (coordination returns within TTL + 2 s): with 3 retries of at most
  // 500 ms a consumer crashed at nearly every round, and kafkajs's crash path (disconnect, then
  // LeaveGroup to the coordinator it knew) once left a NOT_COORDINATOR rejection that failed the test.
  const consumer = client(bootstrap, `failover-${groupId}`).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
  const me = `consumer-${++consumerSeq}`;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const parts = (e.payload.memberAssignment[topic] as number[] | undefined) ?? [];
    ledger.assignments.set(me, [...parts]);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    if (process.env['FAILOVER_DEBUG']) console.log(`${me} ${groupId} crash: ${e.payload.error.message} restart=${e.payload.restart}`);
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    if (process.env['FAILOVER_DEBUG']) console.log(`${me} ${groupId} join gen ${JSON.stringify(e.payload.memberAssignment)} ${e.payload.memberId}`);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // kafkajs reports each commit the coordinator acknowledged (COMMIT_OFFSETS): those are the oracle's.
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    for (const t of e.payload.topics) {
      if (t.topic !== topic) continue;
      for (const p of t.partitions) ledger.acked.set(Number(p.partition), Math.max(ledger.acked.get(Number(p.partition)) ?? 0, Number(p.offset)));
    }
  });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 100,
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      let set = ledger.consumed.get(partition);
      if (set === undefined) ledger.consumed.set(partition, (set = new Set()));
      set.add(offset);
    },
  });
  return consumer;
};

/** Produces small records round-robin over the topic's partitions until stopped; counts acknowledged ones per partition. */
export const startProducer = async (bootstrap: string[], topic: string, partitions: number, everyMs: number): Promise<{ producer: Producer; stop(): Promise<Map<number, number>> }> => {
  const producer = client(bootstrap, 'failover-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const ends = new Map<number, number>();
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      const partition = i++ % partitions;
      try {
        const [r] = await producer.send({ topic, acks: -1, messages: [{ partition, value: `v${i}` }] });
        ends.set(partition, Math.max(ends.get(partition) ?? 0, Number(r!.baseOffset ?? r!.offset) + 1));
      } catch {
        // Retried by the next iteration.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    producer,
    stop: async () => {
      running = false;
      await loop;
      await producer.disconnect();
      return ends;
    },
  };
};
