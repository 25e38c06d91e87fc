import 'reflect-metadata';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import type { BrokerConfig } from './adapters/config/broker-config';
import { TYPES } from './ports/symbols';
import type { Logger } from './ports/logger';
import type { Clock } from './ports/clock';
import type { Scheduler } from './ports/scheduler';
import type { MetaLog, MetaLogError } from './ports/meta-log';
import type { SnapshotStore } from './ports/snapshot-store';
import type { PartitionLogStore } from './ports/partition-log';
import { FILE_SYSTEM, type FileSystem } from './ports/file-system';
import { isGroupEvent } from './domain/group/events';
import { snapshotEvents as groupSnapshotEvents } from './domain/group/snapshot-events';
import { topicIdFromBytes } from './domain/topic/topic-id';
import type { TopicEvent } from './domain/topic/events';
import { SystemClock } from './adapters/system/system-clock';
import { TimerHeapScheduler } from './adapters/system/timer-heap-scheduler';
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
import { apiVersionsHandler } from './adapters/kafka/handlers/api-versions-handler';
import { metadataHandler } from './adapters/kafka/handlers/metadata-handler';
import { findCoordinatorHandler } from './adapters/kafka/handlers/find-coordinator-handler';
import { describeClusterHandler } from './adapters/kafka/handlers/describe-cluster-handler';
import { joinGroupHandler } from './adapters/kafka/handlers/join-group-handler';
import { syncGroupHandler } from './adapters/kafka/handlers/sync-group-handler';
import { heartbeatHandler } from './adapters/kafka/handlers/heartbeat-handler';
import { leaveGroupHandler } from './adapters/kafka/handlers/leave-group-handler';
import { offsetCommitHandler } from './adapters/kafka/handlers/offset-commit-handler';
import { offsetFetchHandler } from './adapters/kafka/handlers/offset-fetch-handler';
import { offsetDeleteHandler } from './adapters/kafka/handlers/offset-delete-handler';
import { describeGroupsHandler } from './adapters/kafka/handlers/describe-groups-handler';
import { listGroupsHandler } from './adapters/kafka/handlers/list-groups-handler';
import { deleteGroupsHandler } from './adapters/kafka/handlers/delete-groups-handler';
import { createTopicsHandler } from './adapters/kafka/handlers/create-topics-handler';
import { deleteTopicsHandler } from './adapters/kafka/handlers/delete-topics-handler';
import { createPartitionsHandler } from './adapters/kafka/handlers/create-partitions-handler';
import { describeConfigsHandler } from './adapters/kafka/handlers/describe-configs-handler';
import { produceHandler } from './adapters/kafka/handlers/produce-handler';
import { fetchHandler } from './adapters/kafka/handlers/fetch-handler';
import { listOffsetsHandler } from './adapters/kafka/handlers/list-offsets-handler';
import { offsetForLeaderEpochHandler } from './adapters/kafka/handlers/offset-for-leader-epoch-handler';
import { initProducerIdHandler } from './adapters/kafka/handlers/init-producer-id-handler';
import type { BrokerIdentity } from './application/broker-identity';
import { TopicService } from './application/topic-service';
import { AppendNotifier } from './application/append-notifier';
import { PartitionWriter } from './application/partition-writer';
import { MetaJournal } from './application/meta-journal';
import { recover } from './application/recovery';
import { GroupCoordinator, GROUP_COORDINATOR_CONFIG, defaultGroupCoordinatorConfig } from './application/group-coordinator';
// Metrics (issue 6 item 4): off unless --metrics-port is set.
import { METRICS, NOOP_METRICS, type Metrics } from './ports/metrics';
import { PromMetrics } from './adapters/metrics/prom-metrics';
import { MetricsHttpServer } from './adapters/metrics/metrics-http-server';
import { GroupMetrics } from './adapters/metrics/group-metrics';
import { requestMetricsHooks } from './adapters/metrics/request-metrics';
import { walMetricsObserver } from './adapters/metrics/wal-metrics-observer';
import { MeteredPartitionLogStore } from './adapters/metrics/metered-partition-log-store';
// Security (issue 17): listeners, TLS, SASL, ACLs.
import { AUTHORIZER, type Authorizer } from './ports/authorizer';
import { isSecurityEvent } from './domain/security/events';
import { SecurityService } from './application/security-service';
import { parseListeners, parseSuperUsers } from './adapters/config/security-config';
import { listenerSpecs } from './adapters/security/listener-security';
import { withAuthorization } from './adapters/kafka/authorization/authorizing-handler';
import { AUTHORIZATION_RULES } from './adapters/kafka/authorization/authorization-table';
import { saslAuthenticateHandler, saslHandshakeHandler } from './adapters/kafka/handlers/sasl-handshake-handler';
import { createAclsHandler, deleteAclsHandler, describeAclsHandler } from './adapters/kafka/handlers/acl-handlers';
import { alterUserScramCredentialsHandler, describeUserScramCredentialsHandler } from './adapters/kafka/handlers/scram-credentials-handlers';

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
const RAW_META_LOG = Symbol.for('RawMetaLog');

/** APIs that need topic metadata: they wait until recovery has loaded it. */
const TOPIC_APIS = new Set([0, 1, 2, 3, 19, 20, 23, 32, 37]);
/** ACL and credential APIs: they read and decide on security state, so they wait for recovery too. */
const SECURITY_APIS = new Set([29, 30, 31, 50, 51]);

/** The composition root: the only place that names concrete adapters. */
export const startBroker = async (config: BrokerConfig, options: StartOptions = {}): Promise<RunningBroker> => {
  const container = new Container();
  const log = createPinoLogger(config.logLevel);
  const metalogDir = path.join(config.dataDir, 'metalog');

  container.bind<BrokerConfig>(TYPES.BrokerConfig).toConstantValue(config);
  const promMetrics = config.metricsPort === null ? null : new PromMetrics();
  container.bind<Metrics>(METRICS).toConstantValue(promMetrics ?? NOOP_METRICS);
  container.bind<Logger>(TYPES.Logger).toConstantValue(log);
  container.bind<Clock>(TYPES.Clock).to(SystemClock).inSingletonScope();
  container.bind<Scheduler>(TYPES.Scheduler).to(TimerHeapScheduler).inSingletonScope();
  container.bind<FileSystem>(FILE_SYSTEM).toDynamicValue(() => new NodeFileSystem({ blockingSync: config.metalogSyncMode === 'blocking' })).inSingletonScope();
  container.bind<FileMetaLogOptions>(FILE_META_LOG_OPTIONS).toConstantValue({
    dir: metalogDir,
    fsync: config.fsync,
    segmentBytes: config.metalogSegmentBytes,
    observer: promMetrics === null ? undefined : walMetricsObserver(promMetrics),
    onFailure: (err) => {
      // The adapter's message is the one line operators grep for: `MetaLog fsync failed: EIO (<file>)`.
      log.error({ code: err.code }, err.message);
      options.onFatal?.(err);
    },
  });
  container.bind<MetaLog>(RAW_META_LOG).to(FileMetaLog).inSingletonScope();
  container.bind<FileSnapshotStoreOptions>(FILE_SNAPSHOT_STORE_OPTIONS).toConstantValue({ dir: path.join(config.dataDir, 'snapshots') });
  container.bind<SnapshotStore>(TYPES.SnapshotStore).to(FileSnapshotStore).inSingletonScope();
  container
    .bind<PartitionLogStore>(TYPES.PartitionLogStore)
    .toDynamicValue((ctx) => {
      const store = new FilePartitionLogStore(config.dataDir, parseFsyncPolicy(config.fsync) ?? { kind: 'always' });
      const metrics = ctx.get<Metrics>(METRICS);
      return metrics === NOOP_METRICS ? store : new MeteredPartitionLogStore(store, metrics);
    })
    .inSingletonScope();
  container
    .bind<MetaJournal>(TYPES.MetaLog)
    .toDynamicValue((ctx) => new MetaJournal(ctx.get<MetaLog>(RAW_META_LOG), ctx.get<SnapshotStore>(TYPES.SnapshotStore), config.snapshotEveryEvents, log.child({ component: 'metalog' }), ctx.get<Metrics>(METRICS)))
    .inSingletonScope();
  container.bind(GROUP_COORDINATOR_CONFIG).toConstantValue(
    defaultGroupCoordinatorConfig({
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      groupMaxSize: config.groupMaxSize,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
      offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
      offsetsCommitTimeoutMs: config.offsetsCommitTimeoutMs,
    }),
  );
  container.bind(GroupCoordinator).toSelf().inSingletonScope();
  container
    .bind(SecurityService)
    .toDynamicValue((ctx) => new SecurityService(
      ctx.get<MetaJournal>(TYPES.MetaLog),
      { enabled: config.authorizerEnabled, superUsers: parseSuperUsers(config.superUsers), allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound },
      () => topicIdFromBytes(randomBytes(16)),
    ))
    .inSingletonScope();
  container.bind<Authorizer>(AUTHORIZER).toDynamicValue((ctx) => ctx.get(SecurityService)).inSingletonScope();
  options.overrides?.(container);

  if (options.repairMetalog === true) {
    const report = await repairMetaLog(metalogDir, container.get<FileSystem>(FILE_SYSTEM));
    log.warn({ ...report }, report.file === null ? 'MetaLog repair: nothing to repair' : 'MetaLog repaired');
  }
  const raw = container.get<MetaLog>(RAW_META_LOG);
  if (raw instanceof FileMetaLog) await raw.open();

  const journal = container.get<MetaJournal>(TYPES.MetaLog);
  const metrics = container.get<Metrics>(METRICS);
  const clock = container.get<Clock>(TYPES.Clock);
  const coordinator = container.get(GroupCoordinator);
  const topics = new TopicService(
    journal,
    container.get<PartitionLogStore>(TYPES.PartitionLogStore),
    {
      autoCreateTopics: config.autoCreateTopics,
      numPartitions: config.numPartitions,
      nodeId: config.nodeId,
      brokerSettings: new Map([
        ['message.max.bytes', String(config.messageMaxBytes)],
        ['num.partitions', String(config.numPartitions)],
        ['auto.create.topics.enable', String(config.autoCreateTopics)],
      ]),
    },
    () => topicIdFromBytes(randomBytes(16)),
    () => clock.now(),
  );
  const security = container.get(SecurityService);
  const authorizer = container.get<Authorizer>(AUTHORIZER);
  journal.setSnapshotSource(() => [...topics.snapshotEvents(), ...groupSnapshotEvents(coordinator.durableState()), ...security.snapshotEvents()]);
  const notifier = new AppendNotifier();
  const writer = new PartitionWriter(notifier, () => clock.now());

  // The identity's port is filled in once the listener is bound (port 0 picks a free one).
  const listeners = parseListeners(config);
  const advertised = new Map(listeners.map((l) => [l.name, { host: l.advertisedHost, port: l.advertisedPort ?? l.port }]));
  const identity: { -readonly [K in keyof BrokerIdentity]: BrokerIdentity[K] } = {
    nodeId: config.nodeId,
    host: listeners[0]!.advertisedHost,
    port: listeners[0]!.advertisedPort ?? listeners[0]!.port,
    clusterId: config.clusterId,
    rack: null,
    listeners: advertised,
  };

  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const afterLoad = (h: ApiHandler): ApiHandler =>
    TOPIC_APIS.has(h.apiKey) || SECURITY_APIS.has(h.apiKey) ? { ...h, handle: async (req, ctx) => { await ready; return h.handle(req, ctx); } } : h;

  const registry = new HandlerRegistry();
  const handlers: ApiHandler[] = [
    apiVersionsHandler(registry),
    metadataHandler(identity, topics),
    findCoordinatorHandler(identity),
    describeClusterHandler(identity),
    joinGroupHandler(coordinator),
    syncGroupHandler(coordinator),
    heartbeatHandler(coordinator),
    leaveGroupHandler(coordinator),
    offsetCommitHandler(coordinator, topics),
    offsetFetchHandler(coordinator),
    offsetDeleteHandler(coordinator, topics),
    describeGroupsHandler(coordinator),
    listGroupsHandler(coordinator),
    deleteGroupsHandler(coordinator),
    createTopicsHandler(topics),
    deleteTopicsHandler(topics, (topic) => {
      writer.forgetTopic(topic);
      void coordinator.onTopicsDeleted([topic]);
    }),
    createPartitionsHandler(topics),
    describeConfigsHandler(topics, config.nodeId),
    produceHandler(topics, writer),
    fetchHandler(topics, notifier),
    listOffsetsHandler(topics),
    offsetForLeaderEpochHandler(topics),
    initProducerIdHandler(() => clock.now()),
    saslHandshakeHandler(),
    saslAuthenticateHandler(),
    describeAclsHandler(security),
    createAclsHandler(security),
    deleteAclsHandler(security),
    describeUserScramCredentialsHandler(security),
    alterUserScramCredentialsHandler(security),
  ];
  const authzLog = log.child({ component: 'authorizer' });
  for (const h of handlers) registry.register(withAuthorization(afterLoad(h), authorizer, AUTHORIZATION_RULES, { topics }, authzLog));

  const server = new KafkaServer(
    registry,
    {
      listeners: listenerSpecs(listeners, config, security, registry.get(18)!),
      saslMaxReceiveBytes: config.saslServerMaxReceiveSize,
      failedAuthenticationDelayMs: config.connectionFailedAuthenticationDelayMs,
      onAuthentication: (listener, ok) => metrics.increment(ok ? 'cohort_authentications_total' : 'cohort_authentication_failures_total', { listener }),
      maxFrameBytes: config.maxFrameBytes,
      frameTimeoutMs: config.frameTimeoutMs,
      sendBufferCapBytes: config.socketSendBufferCapBytes,
      maxConnections: config.maxConnections,
      ...(metrics === NOOP_METRICS ? {} : requestMetricsHooks(metrics)),
    },
    log.child({ component: 'server' }),
  );

  const groupMetrics = new GroupMetrics(coordinator, metrics);
  const metricsServer =
    promMetrics === null ? null : new MetricsHttpServer(promMetrics, { host: config.metricsHost, port: config.metricsPort ?? 0 }, log.child({ component: 'metrics' }));
  const metricsPort = metricsServer === null ? null : await metricsServer.listen();
  if (metricsPort !== null) log.info({ host: config.metricsHost, port: metricsPort }, 'metrics endpoint listening');

  // GEN-2: listen first; while the MetaLog replays, group APIs answer COORDINATOR_LOAD_IN_PROGRESS
  // (Heartbeat NONE) and topic APIs wait for the load to finish.
  coordinator.beginLoad();
  const boundPorts = await server.listen().catch(async (err: unknown) => {
    await metricsServer?.close();
    throw err;
  });
  const port = boundPorts[0]!;
  const ports = new Map(listeners.map((l, i) => [l.name, boundPorts[i]!]));
  // Port 0 picks a free port: advertise what was bound unless an advertised port was given.
  listeners.forEach((l, i) => { if (l.advertisedPort === null) advertised.set(l.name, { host: l.advertisedHost, port: boundPorts[i]! }); });
  identity.port = advertised.get(listeners[0]!.name)!.port;
  for (const l of listeners) log.info({ listener: l.name, protocol: l.protocol, host: l.host, port: ports.get(l.name), dataDir: config.dataDir }, 'listening');

  try {
    const stats = await recover(
      journal,
      container.get<SnapshotStore>(TYPES.SnapshotStore),
      (event) => (isGroupEvent(event) ? coordinator.applyReplayed(event) : isSecurityEvent(event) ? security.applyReplayed(event) : topics.applyReplayed(event as TopicEvent)),
      log,
    );
    journal.setLoadedSnapshot(stats.snapshotPosition);
    coordinator.completeLoad();
    security.completeLoad();
    metrics.set('cohort_recovery_duration_seconds', stats.ms / 1000);
    metrics.set('cohort_recovery_replayed_events', stats.replayedEvents);
    groupMetrics.baseline();
    markReady();
    log.info({ ...stats }, 'recovery complete');
  } catch (err) {
    await server.close();
    await metricsServer?.close();
    throw err;
  }

  const retention = setInterval(() => {
    topics.enforceRetention(clock.now()).catch((err: Error) => log.error({ err: err.message }, 'retention failed'));
  }, 300_000);
  retention.unref();

  return {
    port,
    ports,
    security,
    reloadTls: () => server.reloadTls(),
    log,
    container,
    coordinator,
    topics,
    journal,
    metricsPort,
    close: async () => {
      clearInterval(retention);
      await server.close();
      await metricsServer?.close();
      coordinator.unload();
      await topics.close();
      await journal.close();
      const scheduler = container.get<Scheduler>(TYPES.Scheduler);
      if (scheduler instanceof TimerHeapScheduler) scheduler.clear();
    },
  };
};
