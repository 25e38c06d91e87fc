/**
 * Real clients judge the broker: every cell of the compatibility matrix — kafkajs, kcat, kafka-python
 * and confluent-kafka (the Debian packages, run with /usr/bin/python3), @platformatic/kafka 1.35.0 and
 * node-rdkafka 3.6.1 (librdkafka 2.12.0); test/compat/run.js prints it. Every cell runs against a
 * fresh broker; a cell must pass whenever the broker advertises the APIs the scenario needs.
 */
import { startBrokerProcess } from '../e2e/support/broker-process';

interface CellResult { status: 'pass' | 'fail' | 'skipped'; reason: string | null; note: string | null; ms: number }
interface Driver { name: string; unsupported: Record<string, string>; available(): Promise<string | null> }
interface Scenario { id: string; title(client: string): string; appliesTo?(driver: Driver): boolean }
interface Peer { name: string }
interface MatrixModule {
  SCENARIOS: Scenario[];
  runCell(driver: Driver, scenario: Scenario, peer: Peer, advertised: Map<number, { min: number; max: number }>): Promise<CellResult>;
  probePeer(peer: Peer): Promise<Map<number, { min: number; max: number }>>;
}

// The suite is plain JavaScript so `node test/compat/run.js` needs no TypeScript loader.
/* eslint-disable @typescript-eslint/no-require-imports */
const matrix = require('./matrix') as MatrixModule;
const { cohortPeer } = require('./peers') as { cohortPeer(start: typeof startBrokerProcess): Peer };
const { killAllTracked } = require('./bounded-process') as { killAllTracked(): void };
const kafkajs = require('./clients/kafkajs-driver') as Driver;
const kcat = require('./clients/kcat-driver') as Driver;
const { kafkaPython, confluentKafka } = require('./clients/python-driver') as { kafkaPython: Driver; confluentKafka: Driver };
const platformatic = require('./clients/platformatic-driver') as Driver;
const nodeRdkafka = require('./clients/node-rdkafka-driver') as Driver & { consumerProtocol: Driver };

const peer = cohortPeer(startBrokerProcess);
let advertised: Map<number, { min: number; max: number }>;

beforeAll(async () => {
  advertised = await matrix.probePeer(peer);
}, 30_000);

afterAll(() => killAllTracked());

const UNADVERTISED = /^broker does not advertise /;

describe.each([kafkajs, kcat, kafkaPython, confluentKafka, platformatic, nodeRdkafka, nodeRdkafka.consumerProtocol])('$name against cohort-server', (driver) => {
  const scenarios = matrix.SCENARIOS.filter((s) => !driver.unsupported[s.id] && (s.appliesTo?.(driver) ?? true));
  // Every client here is installed by `npm ci` (node-rdkafka through its approved install script): one
  // that does not load is a failure of the set-up, reported once instead of as a skip per cell.
  test('the client loads', async () => {
    expect(await driver.available()).toBeNull();
  }, 30_000);
  test.each(scenarios.map((s) => [s.title(driver.name), s] as const))('%s', async (_title, scenario) => {
    const r = await matrix.runCell(driver, scenario, peer, advertised);
    // A scenario whose APIs the broker does not advertise is reported, not run; anything it claims must work.
    if (r.status === 'skipped') {
      expect(r.reason).toMatch(UNADVERTISED);
    } else {
      expect({ status: r.status, reason: r.reason }).toEqual({ status: 'pass', reason: null });
    }
  }, 130_000);
});
