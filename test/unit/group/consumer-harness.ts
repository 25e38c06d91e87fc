import type { ConsumerHeartbeatCommand, ConsumerHeartbeatResult } from '../../../src/application/group/group-api';
import type { Assignment } from '../../../src/domain/group/consumer/assignment';
import { MemoryTopics } from '../../fakes/memory-topics';
import { makeHarness, type Harness } from './group-harness';

/** A KIP-848 harness: topic t (6 partitions), u (3); consumer heartbeat interval 5 s, session 45 s. */
export const consumerHarness = async (topics: Record<string, number> = { t: 6, u: 3 }, overrides = {}): Promise<Harness> =>
  makeHarness({ generateConsumerMemberId: (() => { let n = 0; return () => `gen-${++n}`; })(), ...overrides }, {}, new MemoryTopics(topics));

/** A full epoch-0 join (librdkafka's first heartbeat). */
export const joinHb = (over: Partial<ConsumerHeartbeatCommand> = {}): ConsumerHeartbeatCommand => ({
  groupId: 'cg',
  memberId: 'm1',
  memberEpoch: 0,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: 30_000,
  subscribedTopicNames: ['t'],
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: [],
  apiVersion: 1,
  clientId: 'client',
  clientHost: '/127.0.0.1',
  ...over,
});

/** A steady heartbeat: only the epoch and (optionally) the owned partitions. */
export const hb = (memberId: string, memberEpoch: number, owned: Assignment | null = null, over: Partial<ConsumerHeartbeatCommand> = {}): ConsumerHeartbeatCommand => ({
  ...joinHb({ memberId, memberEpoch }),
  rebalanceTimeoutMs: -1,
  subscribedTopicNames: null,
  topicPartitions: owned,
  ...over,
});

/** Partitions of topic `id` in an assignment. */
export const parts = (a: Assignment | null, topicId: string): number[] => a?.find((t) => t.topicId === topicId)?.partitions.slice() ?? [];

/**
 * A client that follows the protocol: it owns what the coordinator last assigned, reports it every
 * heartbeat, and revokes at once (librdkafka's behaviour with incremental unassign).
 */
export class Member {
  epoch = 0;
  owned: Assignment = [];
  last: ConsumerHeartbeatResult | null = null;

  constructor(readonly h: Harness, readonly memberId: string, readonly over: Partial<ConsumerHeartbeatCommand> = {}) {}

  async join(): Promise<ConsumerHeartbeatResult> {
    return this.apply(await this.h.coord.consumerGroupHeartbeat(joinHb({ memberId: this.memberId, ...this.over })));
  }

  async beat(): Promise<ConsumerHeartbeatResult> {
    return this.apply(await this.h.coord.consumerGroupHeartbeat(hb(this.memberId, this.epoch, this.owned, { groupId: this.over.groupId ?? 'cg', instanceId: this.over.instanceId ?? null })));
  }

  async leave(epoch = -1): Promise<ConsumerHeartbeatResult> {
    return this.h.coord.consumerGroupHeartbeat(hb(this.memberId, epoch, null, { groupId: this.over.groupId ?? 'cg', instanceId: this.over.instanceId ?? null }));
  }

  private apply(r: ConsumerHeartbeatResult): ConsumerHeartbeatResult {
    this.last = r;
    if (r.errorCode === 0) {
      this.epoch = r.memberEpoch;
      if (r.assignment !== null) this.owned = r.assignment;
    }
    return r;
  }
}

/** Heartbeats every member until none changes its epoch or assignment (bounded). */
export const converge = async (members: readonly Member[], rounds = 10): Promise<void> => {
  for (let i = 0; i < rounds; i++) {
    let changed = false;
    for (const m of members) {
      const before = JSON.stringify([m.epoch, m.owned]);
      await m.beat();
      if (JSON.stringify([m.epoch, m.owned]) !== before) changed = true;
    }
    if (!changed) return;
  }
};
