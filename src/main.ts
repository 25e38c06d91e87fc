import 'reflect-metadata';
import * as path from 'node:path';
import { Container, ContainerModule } from 'inversify';
import type { BrokerConfig } from './adapters/config/broker-config';
import { TYPES } from './ports/symbols';
import type { Logger } from './ports/logger';
import type { Clock } from './ports/clock';
import type { Scheduler } from './ports/scheduler';
import type { MetaLog, MetaLogError } from './ports/meta-log';
import type { SnapshotStore } from './ports/snapshot-store';
import type { PartitionLogStore } from './ports/partition-log';
import { FILE_SYSTEM, type FileSystem } from './ports/file-system';
import { METRICS, NOOP_METRICS, type Metrics } from './ports/metrics';
import { isGroupEvent } from './domain/group/events';
import type { TopicEvent } from './domain/topic/events';
import { SystemClock } from './adapters/system/system-clock';
import { TimerHeapScheduler } from './adapters/system/timer-heap-scheduler';
import { V8HeapGauge } from './adapters/system/v8-heap-gauge';
import { HEAP_GAUGE, type HeapGauge } from './ports/heap-gauge';
import { createPinoLogger } from './adapters/system/pino-logger';
import { NodeFileSystem } from './adapters/wal/node-file-system';
import { FileMetaLog, FILE_META_LOG_OPTIONS, type FileMetaLogOptions } from './adapters/wal/file-meta-log';
import { repairMetaLog } from './adapters/wal/repair-meta-log';
import { FileSnapshotStore, FILE_SNAPSHOT_STORE_OPTIONS, type FileSnapshotStoreOptions } from './adapters/snapshot/file-snapshot-store';
import { FilePartitionLogStore } from './adapters/partition-log/file-partition-log-store';
import { parseFsyncPolicy } from './adapters/partition-log/fsync-policy';
import { KafkaServer } from './adapters/kafka/server/kafka-server';
import { HandlerRegistry } from './adapters/kafka/server/handler-registry';
import type { ApiHandler } from './adapters/kafka/server/api-handler';
import { brokerHandlers } from './adapters/kafka/handlers/broker-handlers';
import type { PromMetrics } from './adapters/metrics/prom-metrics';
import type { MetricsHttpServer } from './adapters/metrics/metrics-http-server';
import { GroupMetrics } from './adapters/metrics/group-metrics';
import { requestMetricsHooks } from './adapters/metrics/request-metrics';
import { walMetricsObserver } from './adapters/metrics/wal-metrics-observer';
import { MeteredPartitionLogStore } from './adapters/metrics/metered-partition-log-store';
import { groupRoute, type GroupHistorySource } from './adapters/http/group-routes';
import type { BrokerIdentity } from './application/broker-identity';
import type { GroupRequests } from './application/group-requests';
import type { ClusterView } from './application/cluster/cluster-view';
import { TopicService } from './application/topic-service';
import { AppendNotifier } from './application/append-notifier';
import { PartitionWriter } from './application/partition-writer';
import { MetaJournal, snapshotParts } from './application/meta-journal';
import { recover } from './application/recovery';
import { GroupCoordinator, groupCoordinatorModule } from './application/group-coordinator';
import { IoThrottle } from './adapters/partition-log/cleaner-throttle';
import { LogCleanerService } from './application/log-cleaner-service';
import { FetchSessionCache } from './application/fetch-sessions';
import { AUTHORIZER, type Authorizer } from './ports/authorizer';
import { isSecurityEvent } from './domain/security/events';
import { SecurityService } from './application/security-service';
import { parseListeners, type ListenerConfig } from './adapters/config/security-config';
import { listenerSpecs } from './adapters/security/listener-security';
import { withAuthorization } from './adapters/kafka/authorization/authorizing-handler';
import { AUTHORIZATION_RULES } from './adapters/kafka/authorization/authorization-table';
import { isTxnEvent } from './domain/transaction/events';
import { TransactionCoordinator } from './application/transaction/transaction-coordinator';
import { TransactionCompletion } from './application/transaction/transaction-completion';
import { TransactionTimers } from './application/transaction/transaction-timers';
import { transactionModule } from './application/transaction/transaction-module';

import { servicesModule } from './main-services';

export { servicesModule };

/** A started broker. */
export interface RunningBroker {
  /** Bound port of the first listener. */
  readonly port: number;
  /** Bound port of every listener, by listener name. */
  readonly ports: ReadonlyMap<string, number>;
  readonly security: SecurityService;
  /** Re-reads TLS key and trust stores (SIGHUP); one entry per TLS listener, with the load error if any. */
  reloadTls(): { listener: string; error: string | null }[];
  readonly log: Logger;
  readonly container: Container;
  readonly coordinator: GroupCoordinator;
  readonly topics: TopicService;
  readonly journal: MetaJournal;
  /** Bound port of the Prometheus endpoint; null when `--metrics-port` is unset. */
  readonly metricsPort: number | null;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly repairMetalog?: boolean;
  /** Rebinds ports before anything is resolved (tests: fake clock, in-memory logs, failing FS). */
  readonly overrides?: (container: Container) => void;
  /** Called once when the MetaLog fail-stops; the CLI exits non-zero (T-DUR-7). */
  readonly onFatal?: (error: MetaLogError) => void;
}

/** Internal symbol: the raw MetaLog adapter that the journal decorates. */
export const RAW_META_LOG = Symbol.for('RawMetaLog');
/** Internal symbol: the Prometheus registry, or null when `--metrics-port` is unset. */
export const PROM_METRICS = Symbol.for('PromMetrics');

/** APIs that need topic metadata or security state (ACLs, credentials): they wait until recovery has loaded it. */
const AFTER_LOAD_APIS = new Set([0, 1, 2, 3, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32, 33, 37, 44, 50, 51, 61, 65, 66]);

/**
 * The Prometheus registry when `--metrics-port` is set, else null. prom-client (and the node:http
 * it loads) is loaded only then: ~5–9 ms of every start otherwise (issue 14, C4's start-up floor).
 */
export const loadPromMetrics = async (config: BrokerConfig): Promise<PromMetrics | null> =>
  config.metricsPort === null ? null : new (await import('./adapters/metrics/prom-metrics')).PromMetrics();

/** Clock, timers, logging, metrics (`prom`: `loadPromMetrics`) and the file system. */
export const systemModule = (config: BrokerConfig, log: Logger, prom: PromMetrics | null): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<BrokerConfig>(TYPES.BrokerConfig).toConstantValue(config);
    bind<PromMetrics | null>(PROM_METRICS).toConstantValue(prom);
    bind<Metrics>(METRICS).toConstantValue(prom ?? NOOP_METRICS);
    bind<Logger>(TYPES.Logger).toConstantValue(log);
    bind<Clock>(TYPES.Clock).to(SystemClock).inSingletonScope();
    bind<Scheduler>(TYPES.Scheduler).to(TimerHeapScheduler).inSingletonScope();
    bind<HeapGauge>(HEAP_GAUGE).toDynamicValue(() => new V8HeapGauge()).inSingletonScope();
    bind<FileSystem>(FILE_SYSTEM).toDynamicValue(() => new NodeFileSystem({ blockingSync: config.metalogSyncMode === 'blocking' })).inSingletonScope();
  });

/** The MetaLog (file WAL under the journal that snapshots it), snapshots and partition logs. */
const storageModule = (config: BrokerConfig, log: Logger, options: StartOptions): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<FileMetaLogOptions>(FILE_META_LOG_OPTIONS).toDynamicValue((ctx) => {
      const prom = ctx.get<PromMetrics | null>(PROM_METRICS);
      return {
        dir: path.join(config.dataDir, 'metalog'),
        fsync: config.fsync,
        segmentBytes: config.metalogSegmentBytes,
        observer: prom === null ? undefined : walMetricsObserver(prom),
        onFailure: (err) => {
          // The adapter's message is the one line operators grep for: `MetaLog fsync failed: EIO (<file>)`.
          log.error({ code: err.code }, err.message);
          options.onFatal?.(err);
        },
      };
    });
    bind<MetaLog>(RAW_META_LOG).to(FileMetaLog).inSingletonScope();
    bind<FileSnapshotStoreOptions>(FILE_SNAPSHOT_STORE_OPTIONS).toConstantValue({ dir: path.join(config.dataDir, 'snapshots') });
    bind<SnapshotStore>(TYPES.SnapshotStore).to(FileSnapshotStore).inSingletonScope();
    bind<PartitionLogStore>(TYPES.PartitionLogStore)
      .toDynamicValue((ctx) => {
        const store = new FilePartitionLogStore(config.dataDir, parseFsyncPolicy(config.fsync) ?? { kind: 'always' });
        const metrics = ctx.get<Metrics>(METRICS);
        return metrics === NOOP_METRICS ? store : new MeteredPartitionLogStore(store, metrics);
      })
      .inSingletonScope();
    bind<MetaJournal>(TYPES.MetaLog)
      .toDynamicValue((ctx) => new MetaJournal(ctx.get<MetaLog>(RAW_META_LOG), ctx.get<SnapshotStore>(TYPES.SnapshotStore), config.snapshotEveryEvents, log.child({ component: 'metalog' }), ctx.get<Metrics>(METRICS)))
      .inSingletonScope();
  });

export type MutableIdentity = { -readonly [K in keyof BrokerIdentity]: BrokerIdentity[K] };

/** Who clients reconnect to, per listener; ports are filled in once bound (port 0 picks a free one). */
export const brokerIdentity = (config: BrokerConfig, listeners: readonly ListenerConfig[]): MutableIdentity => ({
  nodeId: config.nodeId,
  host: listeners[0]!.advertisedHost,
  port: listeners[0]!.advertisedPort ?? listeners[0]!.port,
  clusterId: config.clusterId,
  rack: null,
  listeners: new Map(listeners.map((l) => [l.name, { host: l.advertisedHost, port: l.advertisedPort ?? l.port }])),
});

/** The Kafka listeners with every API, authorized per the table; topic and security APIs wait for `ready`. */
export const kafkaServer = (
  container: Container,
  config: BrokerConfig,
  listeners: readonly ListenerConfig[],
  identity: BrokerIdentity,
  ready: Promise<void>,
  /** Cluster mode (main-cluster.ts): the shard router and the cluster's view of brokers and owners. */
  cluster: { coordinator?: GroupRequests; view?: ClusterView; wrap?: (h: ApiHandler) => ApiHandler } = {},
): KafkaServer => {
  const registry = new HandlerRegistry();
  const clock = container.get<Clock>(TYPES.Clock);
  const notifier = container.get(AppendNotifier);
  const handlers = brokerHandlers({
    registry,
    identity,
    topics: container.get(TopicService),
    coordinator: cluster.coordinator ?? container.get(GroupCoordinator),
    writer: container.get(PartitionWriter),
    txns: container.get(TransactionCoordinator),
    notifier,
    security: container.get(SecurityService),
    fetchSessions: new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots, () => clock.now()),
    nodeId: config.nodeId,
    now: () => clock.now(),
    cluster: cluster.view,
  });
  const afterLoad = (h: ApiHandler): ApiHandler =>
    AFTER_LOAD_APIS.has(h.apiKey) ? { ...h, handle: async (req, ctx) => { await ready; return h.handle(req, ctx); } } : h;
  const log = container.get<Logger>(TYPES.Logger);
  const authorizer = container.get<Authorizer>(AUTHORIZER);
  const topics = container.get(TopicService);
  for (const h of handlers) registry.register(withAuthorization(afterLoad(cluster.wrap?.(h) ?? h), authorizer, AUTHORIZATION_RULES, { topics }, log.child({ component: 'authorizer' })));
  const metrics = container.get<Metrics>(METRICS);
  const options = {
    listeners: listenerSpecs(listeners, config, container.get(SecurityService), registry.get(18)!),
    saslMaxReceiveBytes: config.saslServerMaxReceiveSize,
    failedAuthenticationDelayMs: config.connectionFailedAuthenticationDelayMs,
    onAuthentication: (listener: string, ok: boolean) => metrics.increment(ok ? 'cohort_authentications_total' : 'cohort_authentication_failures_total', { listener }),
    maxFrameBytes: config.maxFrameBytes,
    frameTimeoutMs: config.frameTimeoutMs,
    sendBufferCapBytes: config.socketSendBufferCapBytes,
    maxConnections: config.maxConnections,
    ...(metrics === NOOP_METRICS ? {} : requestMetricsHooks(metrics)),
  };
  return new KafkaServer(registry, options, log.child({ component: 'server' }));
};

/** The metrics listener (Prometheus and the group history pages), when `--metrics-port` is set. */
export const metricsServer = async (container: Container, config: BrokerConfig, groups: GroupHistorySource = container.get(GroupCoordinator)): Promise<MetricsHttpServer | null> => {
  const prom = container.get<PromMetrics | null>(PROM_METRICS);
  if (prom === null) return null;
  const { MetricsHttpServer } = await import('./adapters/metrics/metrics-http-server');
  const options = { host: config.metricsHost, port: config.metricsPort ?? 0, routes: (p: string) => groupRoute(groups, p) };
  return new MetricsHttpServer(prom, options, container.get<Logger>(TYPES.Logger).child({ component: 'metrics' }));
};

/** The log cleaner of cleanup.policy=compact topics; its pace and backoff follow dynamic broker configs. */
export const logCleaner = (container: Container, config: BrokerConfig): LogCleanerService | null => {
  if (!config.logCleanerEnable) return null;
  const topics = container.get(TopicService);
  const writer = container.get(PartitionWriter);
  const clock = container.get<Clock>(TYPES.Clock);
  const brokerNumber = (name: string, fallback: number): number => {
    const v = Number(topics.brokerSettings().get(name));
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return new LogCleanerService(
    topics,
    new IoThrottle(() => brokerNumber('log.cleaner.io.max.bytes.per.second', Infinity), () => config.logCleanerMaxLoopPercent / 100),
    () => clock.now(),
    container.get<Logger>(TYPES.Logger).child({ component: 'log-cleaner' }),
    { backoffMs: () => brokerNumber('log.cleaner.backoff.ms', config.logCleanerBackoffMs), firstUnstableOffset: (topic, partition) => {
      const fuo = writer.firstUnstableOffset(topic, partition);
      if (fuo !== undefined) return fuo;
      // Producer state not rebuilt yet since the start: clean nothing this pass, load it for the next (MK-11).
      void topics.partitionLog(topic, partition)?.then((log) => writer.load(topic, partition, log)).catch(() => undefined);
      return 0n;
    } },
  );
};

/** PE-7…PE-11: snapshot + MetaLog tail into the coordinator and the topics, then recover and serve. */
export const loadState = async (container: Container): Promise<void> => {
  const journal = container.get<MetaJournal>(TYPES.MetaLog);
  const coordinator = container.get(GroupCoordinator);
  const topics = container.get(TopicService);
  const security = container.get(SecurityService);
  const txns = container.get(TransactionCoordinator);
  const log = container.get<Logger>(TYPES.Logger);
  const metrics = container.get<Metrics>(METRICS);
  const stats = await recover(
    journal,
    container.get<SnapshotStore>(TYPES.SnapshotStore),
    (event) => (isGroupEvent(event) ? coordinator.applyReplayed(event) : isSecurityEvent(event) ? security.applyReplayed(event) : isTxnEvent(event) ? txns.applyReplayed(event) : topics.applyReplayed(event as TopicEvent)),
    log,
    coordinator.applyReplayedOffsetCommitted,
  );
  journal.setLoadedSnapshot(stats.snapshotPosition, stats.snapshotEvents);
  coordinator.completeLoad();
  security.completeLoad();
  // TX-87: decided transactions get their markers re-sent once topics and groups are loaded.
  txns.completeLoad();
  metrics.set('cohort_recovery_duration_seconds', stats.ms / 1000);
  metrics.set('cohort_recovery_replayed_events', stats.replayedEvents);
  log.info({ ...stats }, 'recovery complete');
};

/** Binds every port to its adapter (the only place that names concrete adapters) and opens the MetaLog. */
const compose = async (config: BrokerConfig, options: StartOptions): Promise<Container> => {
  const container = new Container();
  const log = createPinoLogger(config.logLevel);
  container.loadSync(systemModule(config, log, await loadPromMetrics(config)), storageModule(config, log, options), servicesModule(config), groupCoordinatorModule, transactionModule);
  options.overrides?.(container);
  if (options.repairMetalog === true) {
    const report = await repairMetaLog(path.join(config.dataDir, 'metalog'), container.get<FileSystem>(FILE_SYSTEM));
    log.warn({ ...report }, report.file === null ? 'MetaLog repair: nothing to repair' : 'MetaLog repaired');
  }
  // The MetaLog opens with the first replay, once recovery knows the snapshot it starts from.
  const journal = container.get<MetaJournal>(TYPES.MetaLog);
  const coordinator = container.get(GroupCoordinator);
  const topics = container.get(TopicService);
  const security = container.get(SecurityService);
  const txns = container.get(TransactionCoordinator);
  journal.setSnapshotSource(() => snapshotParts(topics.snapshotEvents(), coordinator.snapshotEvents(), security.snapshotEvents(), txns.snapshotEvents()));
  container.get(TransactionCompletion); // issue 16: connects markers, pending offsets and the EV-8 repair
  // KC-24: created, deleted or grown topics make KIP-848 groups recompute their subscription metadata.
  topics.onChange(() => coordinator.onTopicMetadataChanged());
  return container;
};

/** The composition root: compose, listen (GEN-2: group APIs answer LOAD_IN_PROGRESS meanwhile), load, serve. */
export const startBroker = async (config: BrokerConfig, options: StartOptions = {}): Promise<RunningBroker> => {
  const container = await compose(config, options);
  const log = container.get<Logger>(TYPES.Logger);
  const coordinator = container.get(GroupCoordinator);
  const topics = container.get(TopicService);
  const journal = container.get<MetaJournal>(TYPES.MetaLog);
  const listeners = parseListeners(config);
  const identity = brokerIdentity(config, listeners);
  let markReady!: () => void;
  const server = kafkaServer(container, config, listeners, identity, new Promise<void>((resolve) => (markReady = resolve)));
  const metrics = await metricsServer(container, config);
  const groupMetrics = new GroupMetrics(coordinator, container.get<Metrics>(METRICS));
  const metricsPort = metrics === null ? null : await metrics.listen();
  if (metricsPort !== null) log.info({ host: config.metricsHost, port: metricsPort }, 'metrics endpoint listening');
  coordinator.beginLoad();
  const boundPorts = await server.listen().catch(async (err: unknown) => {
    await metrics?.close();
    throw err;
  });
  const ports = advertiseBoundPorts(identity, listeners, boundPorts);
  for (const l of listeners) log.info({ listener: l.name, protocol: l.protocol, host: l.host, port: ports.get(l.name), dataDir: config.dataDir }, 'listening');
  try {
    await loadState(container);
  } catch (err) {
    await server.close();
    await metrics?.close();
    throw err;
  }
  groupMetrics.baseline();
  markReady();
  const clock = container.get<Clock>(TYPES.Clock);
  const retention = setInterval(() => {
    topics.enforceRetention(clock.now()).catch((err: Error) => log.error({ err: err.message }, 'retention failed'));
  }, 300_000);
  retention.unref();
  const cleaner = logCleaner(container, config);
  cleaner?.start();
  const txnTimers = container.get(TransactionTimers);
  txnTimers.start();
  const close = async (): Promise<void> => {
    clearInterval(retention);
    await server.close();
    await cleaner?.stop();
    await metrics?.close();
    coordinator.unload();
    txnTimers.stop();
    container.get(TransactionCoordinator).unload();
    // PS-40: a clean close leaves a producer snapshot at every used partition's end.
    await container.get(PartitionWriter).snapshotAll().catch((err: Error) => log.warn({ err: err.message }, 'producer snapshots failed'));
    await topics.close();
    await journal.close();
    const scheduler = container.get<Scheduler>(TYPES.Scheduler);
    if (scheduler instanceof TimerHeapScheduler) scheduler.clear();
    const gauge = container.get<HeapGauge>(HEAP_GAUGE);
    if (gauge instanceof V8HeapGauge) gauge.close();
  };
  const security = container.get(SecurityService);
  return { port: boundPorts[0]!, ports, security, reloadTls: () => server.reloadTls(), log, container, coordinator, topics, journal, metricsPort, close };
};

/** Port 0 picks a free port: each listener advertises what it bound unless an advertised port was given. */
export const advertiseBoundPorts = (identity: MutableIdentity, listeners: readonly ListenerConfig[], bound: readonly number[]): Map<string, number> => {
  const ports = new Map(listeners.map((l, i) => [l.name, bound[i]!] as const));
  const advertised = identity.listeners as Map<string, { host: string; port: number }>;
  listeners.forEach((l, i) => {
    if (l.advertisedPort === null) advertised.set(l.name, { host: l.advertisedHost, port: bound[i]! });
  });
  identity.port = advertised.get(listeners[0]!.name)!.port;
  return ports;
};
