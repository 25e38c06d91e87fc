import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import {
  ConfigError,
  DEFAULT_CONFIG,
  OPTION_NAMES,
  configFromEnv,
  configFromFile,
  configFromFlags,
  resolveConfig,
  type BrokerConfig,
} from '../config/broker-config';
import { OPTION_HELP } from '../config/option-help';
import { addUsersCommand } from './users-cli';
import type { MetaEvent } from '../../domain/meta-event';

/** Exit code for bad flags, bad config values and unreadable config files. */
export const EXIT_USAGE = 2;

const fail = (message: string, code = EXIT_USAGE): never => {
  process.stderr.write(`cohort-server: ${message.split('\n')[0]}\n`);
  process.exit(code);
};

/** Collects the options the user actually gave (commander fills nothing in: defaults come from DEFAULT_CONFIG). */
const givenFlags = (opts: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [camel, kebab] of Object.entries(OPTION_NAMES)) {
    const v = opts[camel];
    if (typeof v === 'string') out[kebab] = v;
  }
  return out;
};

const loadConfig = (opts: Record<string, unknown>): BrokerConfig => {
  const layers: Record<string, unknown>[] = [];
  const file = (opts['config'] as string | undefined) ?? process.env['COHORT_CONFIG'];
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    layers.push(configFromFile(json, file));
  }
  layers.push(configFromEnv(process.env));
  layers.push(configFromFlags(givenFlags(opts)));
  return resolveConfig(...layers);
};

const buildProgram = (): Command => {
  const program = new Command('cohort-server')
    .description('Cohort: a Kafka-compatible broker with an event-sourced, write-ahead-logged group coordinator')
    .option('--config <file>', 'JSON config file whose keys are option names or camelCase (Kafka: server.properties)')
    .option('--wal-metadata', 'accepted for compatibility and ignored: the MetaLog is always on')
    .option('--repair-metalog', 'truncate the MetaLog at its first bad record (copying the segment to *.broken), then start (Cohort only; Kafka recovers unflushed log segments)')
    .allowExcessArguments(false)
    // `metalog verify --data-dir D`: options after a subcommand belong to it, not to the server.
    .enablePositionalOptions()
    .action(() => undefined)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  for (const [camel, kebab] of Object.entries(OPTION_NAMES)) {
    const def = DEFAULT_CONFIG[camel as keyof BrokerConfig];
    const help = OPTION_HELP[camel as keyof BrokerConfig];
    program.option(`--${kebab} <value>`, `${help} [default: ${def === null ? 'unset' : String(def)}; env COHORT_${kebab.toUpperCase().replace(/-/g, '_')}]`);
  }
  program
    .command('metalog')
    .description('inspect the MetaLog: dump | verify')
    .argument('<action>', 'dump or verify')
    .option('--data-dir <dir>', 'the data directory whose metalog/ to read (read-only)', DEFAULT_CONFIG.dataDir)
    .exitOverride()
    .action(async (action: string, o: { dataDir: string }) => {
      if (action !== 'dump' && action !== 'verify') fail(`unknown metalog action "${action}" (expected dump or verify)`);
      // Subcommands load their modules when they run: the broker's start (C4) does not pay for them.
      const { runMetalogCommand } = await import('./metalog-command');
      process.exitCode = await runMetalogCommand(action as 'dump' | 'verify', o.dataDir);
    });
  program
    .command('groups')
    .description('the group coordinator as the MetaLog tells it, offline and read-only (also beside a running broker): list | history GROUP')
    .argument('<action>', 'list, or history')
    .argument('[group]', 'the group id (history)')
    .option('--data-dir <dir>', 'the data directory whose snapshots/ and metalog/ to read (read-only)', DEFAULT_CONFIG.dataDir)
    .option('--json', 'print JSON (the same document as GET /groups and GET /groups/<group>/history)')
    .option('--group-history-max-generations <n>', "generations of history per group (Cohort's group.history.max.generations)", String(DEFAULT_CONFIG.groupHistoryMaxGenerations))
    .exitOverride()
    .action(async (action: string, group: string | undefined, o: { dataDir: string; json?: boolean; groupHistoryMaxGenerations: string }) => {
      const max = Number(o.groupHistoryMaxGenerations);
      if (!Number.isInteger(max) || max <= 0) fail(`invalid value "${o.groupHistoryMaxGenerations}" for --group-history-max-generations (expected a positive integer)`);
      const { runGroupsCommand } = await import('./groups-command');
      process.exitCode = await runGroupsCommand(action, group, { dataDir: o.dataDir, json: o.json === true, historyMaxGenerations: max }, process.stdout, process.stderr);
    });
  addUsersCommand(program, DEFAULT_CONFIG.dataDir, fail);
  return program;
};

/** Entry point of `cohort-server`. */
export const main = async (argv: string[]): Promise<void> => {
  const program = buildProgram();
  let opts: Record<string, unknown>;
  try {
    if (argv[0] === 'metalog' || argv[0] === 'groups' || argv[0] === 'users') {
      await program.parseAsync(argv, { from: 'user' });
      return;
    }
    program.parse(argv, { from: 'user' });
    opts = program.opts();
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      fail(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  let config: BrokerConfig;
  try {
    config = loadConfig(opts!);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const { runServer } = await import('./run-server');
  await runServer(config!, { repairMetalog: opts!['repairMetalog'] === true });
};

/**
 * The build's training run for the bundle's code cache (bin/bundle-loader.js, issue 14 C4 start-up):
 * starts brokers on a temporary data directory and a loopback port, so the functions a start runs
 * are compiled before the cache is made and a real start loads them instead of compiling them again.
 * Three starts: an empty one that journals groups and commits, one that replays them from the log
 * and snapshots, one that recovers from that snapshot and a log tail (C4's snapshot rows: the
 * snapshot's decoding and folding ran uncompiled at every start before). Never called by
 * `cohort-server` itself.
 */
export const warmUp = async (): Promise<void> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-warmup-'));
  try {
    const { startBroker } = await import('../../main');
    const start = () => startBroker(resolveConfig({ dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' }));
    let broker = await start();
    await broker.journal.append(warmUpEvents(0));
    await broker.close();
    broker = await start();
    await broker.journal.snapshotNow();
    await broker.journal.append(warmUpEvents(1));
    await broker.close();
    await (await start()).close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
};

/** Events of a group with one classic member and of a group with commits only (the warm-up's journal). */
const warmUpEvents = (round: number): MetaEvent[] => {
  const at = 1_700_000_000_000 + round;
  const groupId = `warm-up-${round}`;
  const memberId = `${groupId}-member`;
  const trigger = { kind: 'MemberJoined', memberId, replacedMemberId: null } as const;
  const commits = Array.from({ length: 64 }, (_, i): MetaEvent => ({
    type: 'OffsetCommitted', groupId: `warm-up-commits-${i % 4}`, topic: 'warm-up', partition: i % 8, offset: i, leaderEpoch: -1, metadata: '', commitTimestamp: at, expireTimestamp: null,
  }));
  return [
    { type: 'GroupCreated', groupId, at },
    {
      type: 'MemberJoined', groupId, memberId, instanceId: null, clientId: 'warm-up', clientHost: '/127.0.0.1', protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: new Uint8Array([0, 1]), topics: ['warm-up'] }], sessionTimeoutMs: 45_000, rebalanceTimeoutMs: 60_000, replacedMemberId: null, at,
    },
    { type: 'RebalanceStarted', groupId, trigger, at },
    { type: 'GenerationBumped', groupId, generation: 1, protocolType: 'consumer', protocolName: 'range', leaderId: memberId, memberIds: [memberId], trigger, at },
    ...commits,
  ];
};
