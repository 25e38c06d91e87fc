import { RawClient } from '../../e2e/support/raw-client';
import { API_KEY } from '../../../src/adapters/kafka/protocol';
import { sleep, type BrokerProcess } from '../../e2e/support/broker-process';
import { findCoordinators } from './cluster-probe';

/** What a commit loop saw: the last acknowledged offset per group and every error code answered. */
export interface CommitLoad {
  readonly acked: Map<string, number>;
  readonly errors: Map<number, number>;
  /** Acknowledged commits per group since the load started. */
  readonly count: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Simple-group OffsetCommits (generation -1) of increasing offsets, one loop per group, each to the
 * group's coordinator as FindCoordinator names it; an error or a dropped connection looks it up again.
 */
export const startCommitLoad = (brokers: () => BrokerProcess[], groups: string[], topic: string): CommitLoad => {
  const acked = new Map<string, number>();
  const count = new Map<string, number>();
  const errors = new Map<number, number>();
  let running = true;
  const loop = async (group: string): Promise<void> => {
    let conn: RawClient | null = null;
    let offset = 0;
    while (running) {
      try {
        if (conn === null || conn.closed) {
          const live = brokers().filter((b) => b.child.exitCode === null && b.child.signalCode === null);
          const owner = (await findCoordinators(live[Math.floor(Math.random() * live.length)]!.port, [group])).get(group)!;
          if (owner.errorCode !== 0) {
            errors.set(owner.errorCode, (errors.get(owner.errorCode) ?? 0) + 1);
            await sleep(100);
            continue;
          }
          conn = await RawClient.connect(owner.port);
        }
        const next = offset + 1;
        const r = await conn.send(API_KEY.OffsetCommit, 2, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: BigInt(next), committedMetadata: '' }] }] });
        const code = r.body.topics[0].partitions[0].errorCode as number;
        if (code === 0) {
          offset = next;
          acked.set(group, next);
          count.set(group, (count.get(group) ?? 0) + 1);
        } else {
          errors.set(code, (errors.get(code) ?? 0) + 1);
          conn.close();
          conn = null;
          await sleep(100);
        }
      } catch {
        conn?.close();
        conn = null;
        await sleep(100);
      }
    }
    conn?.close();
  };
  const loops = groups.map((g) => loop(g));
  return {
    acked,
    errors,
    count,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
