import { freePort, sleep, startBrokerProcess } from '../e2e/support/broker-process';
import { CommitLoad, createTopic, fetchOffsets, groupNames, WORKLOAD_TOPIC } from './commit-workload';
import { OffsetLedger, type LedgerCounts } from './offset-ledger';
import { spawnWrappedBroker, type BrokerExit, type WrappedBroker } from './wrapped-broker';

/** What a fail-stop run observed (reliability.md T-DUR-7 items 1, 2 and 4). */
/** The `msg` of a structured (pino JSON) log line, or the line itself. */
export const logMessage = (line: string): string => {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === 'string' ? parsed.msg : line;
  } catch {
    return line;
  }
};

export interface FailStopResult {
  readonly exit: BrokerExit;
  readonly stderr: string[];
  /** When the first commit response that was not an ack (error code or closed connection) arrived. */
  readonly firstFailureAt: number;
  /** Error codes of the refused commits. */
  readonly errorCodes: number[];
  readonly acked: number;
  /** Acks whose request was sent after the first failure was seen, or that follow a failure on the same connection. */
  readonly acksAfterFailure: number;
  /** The ledger check after a restart without the fault. */
  readonly ledger: LedgerCounts;
}

const PARTITIONS = 2;
const GROUPS = groupNames(4);

/**
 * Starts the broker through `wrapper`, runs a steady commit load over `connections` raw clients,
 * calls `inject(broker)` once the load is running, and waits for the broker to fail-stop (or
 * `exitWithinMs` to pass, then kills it). Then restarts it without the fault (after `beforeRestart`)
 * and checks the ledger.
 */
export const runFailStop = async (opts: {
  dataDir: string;
  wrapper: string[];
  args?: string[];
  inject?: (broker: WrappedBroker) => Promise<void>;
  metadataBytes?: number;
  exitWithinMs?: number;
  beforeRestart?: () => void;
}): Promise<FailStopResult> => {
  const port = await freePort();
  const broker = spawnWrappedBroker({ dataDir: opts.dataDir, port, args: opts.args, wrapper: opts.wrapper });
  const ledger = new OffsetLedger();
  const load = new CommitLoad(ledger, { groups: GROUPS, topic: WORKLOAD_TOPIC, partitions: PARTITIONS, metadataBytes: opts.metadataBytes });
  let exit: BrokerExit;
  try {
    if (!(await broker.ready())) throw new Error(`broker did not start: ${broker.stderr.join('\n')}`);
    if ((await createTopic(port, WORKLOAD_TOPIC, PARTITIONS)) !== 0) throw new Error('CreateTopics failed');
    await load.start(port, 4);
    await sleep(300);
    await opts.inject?.(broker);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), opts.exitWithinMs ?? 30_000)));
    const ended = await Promise.race([broker.exit, timeout]);
    clearTimeout(timer);
    exit = ended ?? (await broker.kill9());
    if (ended === null) throw new Error(`broker did not fail-stop within ${opts.exitWithinMs ?? 30_000} ms (acked ${load.acked})`);
  } finally {
    await broker.kill9();
    await load.stop();
  }
  const failures = load.events.filter((e) => e.code !== 0);
  const firstFailureAt = Math.min(...failures.map((e) => e.at));
  const failedConn = new Set<number>();
  let acksAfterFailure = 0;
  for (const e of [...load.events].sort((a, b) => a.at - b.at)) {
    if (e.code !== 0) failedConn.add(e.conn);
    else if (failedConn.has(e.conn) || e.sentAt > firstFailureAt) acksAfterFailure++;
  }
  opts.beforeRestart?.();
  const restarted = await startBrokerProcess({ dataDir: opts.dataDir, port, args: opts.args });
  const counts: LedgerCounts = { lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 };
  try {
    ledger.check(await fetchOffsets(port, GROUPS, WORKLOAD_TOPIC, PARTITIONS), counts);
  } finally {
    await restarted.stop();
  }
  return {
    exit,
    stderr: broker.stderr,
    firstFailureAt,
    errorCodes: [...new Set(failures.map((e) => e.code).filter((c): c is number => typeof c === 'number'))],
    acked: load.acked,
    acksAfterFailure,
    ledger: counts,
  };
};

/** Asserts T-DUR-7 items 1, 2 and 4 on a fail-stop run; `line` matches the one fatal log message. */
export const expectFailStop = (r: FailStopResult, line: RegExp): void => {
  console.log(`fail-stop exit=${JSON.stringify({ code: r.exit.code, signal: r.exit.signal })} acked=${r.acked} codes=${JSON.stringify(r.errorCodes)} ` +
    `exitAfterFailureMs=${r.exit.at - r.firstFailureAt} ledger=${JSON.stringify(r.ledger)}`);
  expect(r.acked).toBeGreaterThan(0);
  expect(Number.isFinite(r.firstFailureAt)).toBe(true);
  expect(r.acksAfterFailure).toBe(0);
  // The refused commits carry COORDINATOR_NOT_AVAILABLE (15) or NOT_COORDINATOR (16), or the connection closes.
  for (const code of r.errorCodes) expect([15, 16]).toContain(code);
  expect(r.exit.code !== 0 || r.exit.signal !== null).toBe(true);
  expect(r.exit.signal).toBeNull();
  expect(r.exit.at - r.firstFailureAt).toBeLessThan(1_000);
  // One fatal line says why (other lines may quote the error as context).
  expect(r.stderr.map(logMessage).filter((m) => line.test(m))).toHaveLength(1);
  expect(r.ledger).toEqual({ lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 });
};
