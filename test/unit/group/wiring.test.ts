import 'reflect-metadata';
import { Container } from 'inversify';
import { FakeClock } from '../../fakes/fake-clock';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';
import { GROUP_COORDINATOR_CONFIG, GroupCoordinator, defaultGroupCoordinatorConfig, groupCoordinatorModule } from '../../../src/application/group-coordinator';
import { ErrorCode } from '../../../src/domain/error-code';
import { TYPES } from '../../../src/ports/symbols';
import { TOPIC_METADATA } from '../../../src/ports/topic-metadata';
import { TOPIC_REGEX } from '../../../src/ports/topic-regex';
import { re2TopicRegex } from '../../../src/adapters/regex/re2-topic-regex';
import { CONSUMER_PROTOCOL } from '../../../src/ports/consumer-protocol';
import { consumerProtocolCodec } from '../../../src/adapters/kafka/protocol/consumer-protocol-codec';
import { MemoryTopics } from '../../fakes/memory-topics';
import { FakeHeapGauge } from '../../fakes/fake-heap-gauge';
import { HEAP_GAUGE } from '../../../src/ports/heap-gauge';
import { joinCmd, makeHarness, silentLogger } from './group-harness';
import { listCommittedOffsets } from '../../../src/domain/group/committed-offsets';

describe('wiring and adapters', () => {
  test('the coordinator resolves from an inversify container with the port symbols', async () => {
    const container = new Container();
    const clock = new FakeClock();
    container.bind(TYPES.Clock).toConstantValue(clock);
    container.bind(TYPES.Scheduler).toConstantValue(clock);
    container.bind(TYPES.MetaLog).toConstantValue(new MemoryMetaLog());
    container.bind(TYPES.Logger).toConstantValue(silentLogger);
    container.bind(GROUP_COORDINATOR_CONFIG).toConstantValue(defaultGroupCoordinatorConfig());
    container.bind(TOPIC_METADATA).toConstantValue(new MemoryTopics());
    container.bind(TOPIC_REGEX).toConstantValue(re2TopicRegex);
    container.bind(CONSUMER_PROTOCOL).toConstantValue(consumerProtocolCodec);
    container.bind(HEAP_GAUGE).toConstantValue(new FakeHeapGauge());
    container.loadSync(groupCoordinatorModule);
    const coord = container.get(GroupCoordinator);
    // GEN-2: not started → COORDINATOR_NOT_AVAILABLE.
    expect((await coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    await coord.start();
    const r = await coord.joinGroup(joinCmd({ clientId: 'cli' }));
    expect(r.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    // GEN-8: <clientId>-<uuid v4>.
    expect(r.memberId).toMatch(/^cli-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('FakeClock fires due timers in deadline order, ties by insertion, including timers armed while advancing', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.schedule('b', 10, () => fired.push(`b@${clock.now()}`));
    clock.schedule('a', 5, () => {
      fired.push(`a@${clock.now()}`);
      clock.schedule('c', 5, () => fired.push(`c@${clock.now()}`));
    });
    clock.schedule('d', 10, () => fired.push(`d@${clock.now()}`));
    clock.schedule('x', 3, () => fired.push('x'));
    clock.cancel('x');
    clock.schedule('b', 10, () => fired.push(`b2@${clock.now()}`)); // replaces b, scheduled after d
    clock.advance(9);
    expect(fired).toEqual(['a@5']);
    clock.advance(1);
    expect(fired).toEqual(['a@5', 'd@10', 'b2@10', 'c@10']);
    expect(clock.now()).toBe(10);
  });

  test('MemoryMetaLog: manual durability, fail-stop after an injected failure, replay of durable events only', async () => {
    const log = new MemoryMetaLog({ durableAfter: 'manual' });
    const ev = { type: 'GroupDeleted' as const, groupId: 'g' };
    const first = log.append([ev]);
    expect(log.durableEvents()).toEqual([]);
    log.flush();
    expect(await first).toBe(0);
    log.injectFailure('ENOSPC');
    const second = log.append([ev]);
    log.flush();
    await expect(second).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(log.append([ev])).rejects.toMatchObject({ code: 'ENOSPC' });
    const seen: unknown[] = [];
    expect(await log.replay(0, (e) => seen.push(e))).toBe(1);
    expect(seen).toEqual([ev]);
  });

  test('OF-22 offsets of a deleted topic are tombstoned', async () => {
    const h = await makeHarness();
    await h.coord.offsetCommit({
      groupId: 'g', memberId: '', groupInstanceId: null, generationIdOrMemberEpoch: -1, retentionTimeMs: -1, apiVersion: 9,
      topics: ['t', 'u'].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] })),
    });
    await h.coord.onTopicsDeleted(['t']);
    expect(listCommittedOffsets(h.durable().groups.get('g')!.offsets).map((o) => o.topic)).toEqual(['u']);
  });
});
