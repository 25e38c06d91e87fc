import type { Kafka } from 'kafkajs';

/**
 * Reads `topic` from the beginning with a fresh kafkajs group until no record arrived for `settleMs`
 * (or `maxMs` passed), and returns the values in the order read. `readUncommitted: false` is
 * read_committed, the isolation the transaction tests check.
 */
export const readUntilQuiet = async (
  kafka: Kafka,
  topic: string,
  opts: { readUncommitted?: boolean; settleMs?: number; maxMs?: number } = {},
): Promise<string[]> => {
  const readUncommitted = opts.readUncommitted ?? false;
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}-${process.pid}-${Math.random()}`, readUncommitted, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()); last = Date.now(); } });
  const started = Date.now();
  while (Date.now() - last < (opts.settleMs ?? 1500) && Date.now() - started < (opts.maxMs ?? 10_000)) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return seen;
};
