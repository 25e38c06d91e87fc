import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerProcess, tempDir, type BrokerProcess } from './support/broker-process';

/**
 * Issue "Event-sourced group core": MetaLogs written by the release before it still open, their
 * events (GroupCreated, AssignmentsSynced, GroupEmptied, OffsetCommitted, and a snapshot holding
 * them) folding into the new aggregate. The fixture was written by that release (make-fixture.js)
 * and the broker was SIGKILLed; kafkajs's admin must read back exactly what it reported then.
 */
const FIXTURE = path.join(__dirname, '../fixtures/metalog-0.1');
const BIN = path.resolve(__dirname, '../../bin/cohort-server.js');

describe('MetaLog written by release 0.1 (before the event core)', () => {
  let broker: BrokerProcess | null = null;
  afterAll(async () => {
    await broker?.stop();
  });

  test('PE-7 its groups and offsets read back as that release reported them; the history shows its generations', async () => {
    const dataDir = tempDir('cohort-compat01-');
    cpSync(path.join(FIXTURE, 'data'), dataDir, { recursive: true });
    const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8'));
    broker = await startBrokerProcess({ dataDir });
    const admin = new Kafka({ clientId: 'compat01', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const groups = ['billing', 'emptied', 'simple'];
    const described = (await admin.describeGroups(groups)).groups.map((g) => ({
      groupId: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.map((m) => m.clientId),
    }));
    expect(described).toEqual(expected.described);
    for (const groupId of groups) expect(await admin.fetchOffsets({ groupId, topics: ['orders'] })).toEqual(expected.offsets[groupId]);
    await admin.disconnect();

    const history = spawnSync(process.execPath, [BIN, 'groups', 'history', 'billing', '--data-dir', dataDir, '--json'], { encoding: 'utf8' });
    expect(history.status).toBe(0);
    const report = JSON.parse(history.stdout);
    // The old release's snapshot (at position 40) kept only the latest GroupMetadata of 'billing',
    // generation 3; generations it recorded have no trigger: it never wrote one.
    expect(report.generations.map((g: { generation: number; outcome: string; trigger: unknown }) => [g.generation, g.outcome, g.trigger])).toEqual([
      [3, 'stable', null],
    ]);
    expect(report.group).toMatchObject({ state: 'Stable', generation: 3, members: 1 });
  });
});
