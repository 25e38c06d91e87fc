import { Container } from 'inversify';
import { FakeClock } from '../../fakes/fake-clock';
import { MemoryMetaLog, type MemoryMetaLogOptions } from '../../fakes/memory-meta-log';
import type { JoinGroupCommand, MemberProtocol } from '../../../src/application/group/group-api';
import {
  GROUP_COORDINATOR_CONFIG,
  GroupCoordinator,
  defaultGroupCoordinatorConfig,
  groupCoordinatorModule,
  type GroupCoordinatorConfig,
} from '../../../src/application/group-coordinator';
import { GroupPlumbing } from '../../../src/application/group/group-plumbing';
import { silentLogger } from '../../../src/adapters/system/pino-logger';
import type { GroupEvent } from '../../../src/domain/group/events';
import { replay } from '../../../src/domain/group/evolve';
import type { GroupsState } from '../../../src/domain/group/groups-state';
import type { MetaLog } from '../../../src/ports/meta-log';
import type { Scheduler } from '../../../src/ports/scheduler';
import { TYPES } from '../../../src/ports/symbols';
import { TOPIC_METADATA, type TopicMetadataSource } from '../../../src/ports/topic-metadata';
import { TOPIC_REGEX } from '../../../src/ports/topic-regex';
import { re2TopicRegex } from '../../../src/adapters/regex/re2-topic-regex';
import { CONSUMER_PROTOCOL } from '../../../src/ports/consumer-protocol';
import { consumerProtocolCodec } from '../../../src/adapters/kafka/protocol/consumer-protocol-codec';
import { MemoryTopics } from '../../fakes/memory-topics';
import { FakeHeapGauge } from '../../fakes/fake-heap-gauge';
import { HEAP_GAUGE, type HeapGauge } from '../../../src/ports/heap-gauge';

export { silentLogger };

/** Lets every pending promise (durable appends, parked answers) settle. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export const protocols = (names: string[] = ['range'], meta = 'm', topics: string[] | null = ['t']): MemberProtocol[] =>
  names.map((name) => ({ name, metadata: bytes(`${name}:${meta}`), topics }));

/** The coordinator's DI graph over the given ports, as src/main.ts wires it (one line per port). */
export const coordinatorOver = (
  clock: FakeClock,
  log: MetaLog,
  config: GroupCoordinatorConfig,
  topics: TopicMetadataSource = new MemoryTopics(),
  scheduler: Scheduler = clock,
  heap: HeapGauge = new FakeHeapGauge(),
): Container => {
  const container = new Container();
  container.bind(TOPIC_METADATA).toConstantValue(topics);
  container.bind(TOPIC_REGEX).toConstantValue(re2TopicRegex);
  container.bind(CONSUMER_PROTOCOL).toConstantValue(consumerProtocolCodec);
  container.bind(TYPES.Clock).toConstantValue(clock);
  container.bind(TYPES.Scheduler).toConstantValue(scheduler);
  container.bind(TYPES.MetaLog).toConstantValue(log);
  container.bind(TYPES.Logger).toConstantValue(silentLogger);
  container.bind(GROUP_COORDINATOR_CONFIG).toConstantValue(config);
  container.bind(HEAP_GAUGE).toConstantValue(heap);
  container.loadSync(groupCoordinatorModule);
  return container;
};

export interface Harness {
  readonly clock: FakeClock;
  readonly log: MemoryMetaLog;
  coord: GroupCoordinator;
  container: Container;
  readonly config: GroupCoordinatorConfig;
  /** The topic image KIP-848 groups see (tests edit it, then call coord.onTopicMetadataChanged()). */
  readonly topics: MemoryTopics;
  /** The aggregate as of the durable events (what a committed read or a restart sees before recover). */
  durable(): GroupsState;
  /** KIP-394 ids that got MEMBER_ID_REQUIRED and have not rejoined (plumbing). */
  isPending(memberId: string, groupId?: string): boolean;
  /** Advances the fake clock, then lets promises settle. */
  advance(ms: number): Promise<void>;
  /** A new coordinator over the same MetaLog (a restart: soft state lost). */
  restart(): Promise<void>;
}

export const makeHarness = async (
  overrides: Partial<GroupCoordinatorConfig> = {},
  logOptions: MemoryMetaLogOptions = {},
  topics: MemoryTopics = new MemoryTopics(),
): Promise<Harness> => {
  const clock = new FakeClock();
  const log = new MemoryMetaLog(logOptions);
  let n = 0;
  const config = defaultGroupCoordinatorConfig({
    groupInitialRebalanceDelayMs: 0,
    generateMemberId: (prefix) => `${prefix}-${++n}`,
    ...overrides,
  });
  const container = coordinatorOver(clock, log, config, topics);
  const h: Harness = {
    clock,
    log,
    config,
    topics,
    container,
    coord: container.get(GroupCoordinator),
    durable: () => replay(log.durableEvents() as GroupEvent[]),
    isPending: (memberId, groupId = 'g') => h.container.get(GroupPlumbing).isPending(groupId, memberId),
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async restart() {
      h.coord.unload();
      h.container = coordinatorOver(clock, log, config, topics);
      h.coord = h.container.get(GroupCoordinator);
      await h.coord.start();
    },
  };
  await h.coord.start();
  return h;
};

export const joinCmd = (over: Partial<JoinGroupCommand> = {}): JoinGroupCommand => ({
  groupId: 'g',
  memberId: '',
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: protocols(),
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  apiVersion: 9,
  clientId: 'c',
  clientHost: '/127.0.0.1',
  ...over,
});

/** v4+ two-step join (KIP-394): returns the promise of the second JoinGroup. */
export const joinDynamic = async (h: Harness, over: Partial<JoinGroupCommand> = {}) => {
  const first = await h.coord.joinGroup(joinCmd(over));
  return { memberId: first.memberId, result: h.coord.joinGroup(joinCmd({ ...over, memberId: first.memberId })) };
};

/** Joins `count` dynamic members and syncs them to a Stable generation; returns member ids (leader first). */
export const stableGroup = async (h: Harness, count: number, groupId = 'g') => {
  const pending = [];
  for (let i = 0; i < count; i++) pending.push(await joinDynamic(h, { groupId, clientId: `c${i}` }));
  await h.advance(h.config.groupInitialRebalanceDelayMs);
  const joins = await Promise.all(pending.map((p) => p.result));
  const leader = joins.find((j) => j.memberId === j.leader)!;
  const syncs = joins.map((j) =>
    h.coord.syncGroup({
      groupId,
      memberId: j.memberId,
      groupInstanceId: null,
      generationId: j.generationId,
      protocolType: 'consumer',
      protocolName: j.protocolName,
      apiVersion: 5,
      assignments: j.memberId === leader.memberId ? joins.map((x) => ({ memberId: x.memberId, assignment: bytes(`a-${x.memberId}`) })) : [],
    }),
  );
  await settle();
  await Promise.all(syncs);
  return { joins, leaderId: leader.memberId, generation: leader.generationId, ids: joins.map((j) => j.memberId) };
};
