import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import type { BrokerConfig } from './adapters/config/broker-config';
import { TYPES } from './ports/symbols';
import type { Logger } from './ports/logger';
import type { Clock } from './ports/clock';
import type { Scheduler } from './ports/scheduler';
import type { MetaLog } from './ports/meta-log';
import type { SnapshotStore } from './ports/snapshot-store';
import type { PartitionLogStore } from './ports/partition-log';
import { METRICS, NOOP_METRICS, type Metrics } from './ports/metrics';
import { createPinoLogger } from './adapters/system/pino-logger';
import { TimerHeapScheduler } from './adapters/system/timer-heap-scheduler';
import { V8HeapGauge } from './adapters/system/v8-heap-gauge';
import { HEAP_GAUGE, type HeapGauge } from './ports/heap-gauge';
import { FilePartitionLogStore } from './adapters/partition-log/file-partition-log-store';
import { parseFsyncPolicy } from './adapters/partition-log/fsync-policy';
import { MeteredPartitionLogStore } from './adapters/metrics/metered-partition-log-store';
import { parseListeners } from './adapters/config/security-config';
import { partitionLeaderGuard } from './adapters/kafka/handlers/partition-leader-guard';
import { transactionCoordinatorGuard } from './adapters/kafka/handlers/transaction-coordinator-guard';
import { controllerGuard } from './adapters/kafka/handlers/controller-guard';
import { transactionModule } from './application/transaction/transaction-module';
import { parseJetStreamUrl } from './adapters/jetstream/jetstream-url';
import { openJetStreamCluster, type JetStreamCluster } from './adapters/jetstream/jetstream-cluster';
import { JetStreamMetaLog } from './adapters/jetstream/jetstream-meta-log';
import { JetStreamSnapshotStore } from './adapters/jetstream/jetstream-snapshot-store';
import { JetStreamPartitionLogStore } from './adapters/jetstream/jetstream-partition-log-store';
import { PartitionWriter } from './application/partition-writer';
import { isSecurityEvent } from './domain/security/events';
import { isGroupEvent } from './domain/group/events';
import type { TopicEvent } from './domain/topic/events';
import { shardOf } from './domain/cluster/shard-of';
import { MetaJournal } from './application/meta-journal';
import { TopicService } from './application/topic-service';
import { SecurityService } from './application/security-service';
import { GroupCoordinator, groupCoordinatorModule } from './application/group-coordinator';
import { LeaseManager } from './application/cluster/lease-manager';
import { ShardHost } from './application/cluster/shard-host';
import { ShardRouter } from './application/cluster/shard-router';
import type { ClusterView } from './application/cluster/cluster-view';
import { RAW_META_LOG, advertiseBoundPorts, brokerIdentity, kafkaServer, loadPromMetrics, loadState, metricsServer, servicesModule, systemModule, type RunningBroker, type StartOptions } from './main';
import { GroupMetrics } from './adapters/metrics/group-metrics';

const META = 'shard.meta';
const shardKey = (shard: number): string => `shard.${shard}`;
/** A partition's lease key (topic names use only KV-key characters: letters, digits, `.`, `_`, `-`). */
const PART = 'part.';
const partKey = (topic: string, partition: number): string => `${PART}${topic}.${partition}`;
const parsePartKey = (key: string): { topic: string; partition: number } => {
  const dot = key.lastIndexOf('.');
  return { topic: key.slice(PART.length, dot), partition: Number(key.slice(dot + 1)) };
};

/** With `--partition-logs jetstream`: which partitions this broker may open (it holds their lease). */
interface PartitionGate {
  owns(topic: string, partition: number): boolean;
  failed(topic: string, partition: number, error: Error): void;
}

/** Opens a partition's log only while this broker holds its lease: opening fences the stream, so a non-leader must never do it. */
const leasedStore = (inner: PartitionLogStore, gate: PartitionGate): PartitionLogStore => ({
  open: (topic, partition, config) =>
    gate.owns(topic, partition) ? inner.open(topic, partition, config) : Promise.reject(new Error(`this broker does not lead ${topic}-${partition}`)),
  deleteTopic: (topic) => inner.deleteTopic(topic),
  close: () => inner.close(),
});

/** A broker in cluster mode: the single-node broker's parts plus the cluster's. */
export interface ClusterBroker extends RunningBroker {
  readonly leases: LeaseManager;
  readonly shards: ShardHost;
  /** True while this broker owns the metadata shard (controller: topics, ACLs; partition data too with --partition-logs file). */
  isController(): boolean;
}

/** The metadata shard on JetStream (read-only until this broker is the controller), snapshots, partition logs (JetStream, or the controller's files). */
const clusterStorageModule = (config: BrokerConfig, log: Logger, jet: JetStreamCluster, metaLog: JetStreamMetaLog, gate: PartitionGate): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<MetaLog>(RAW_META_LOG).toConstantValue(metaLog);
    bind<SnapshotStore>(TYPES.SnapshotStore).toConstantValue(new JetStreamSnapshotStore(jet.snapshots, 'META'));
    bind<PartitionLogStore>(TYPES.PartitionLogStore)
      .toDynamicValue((ctx) => {
        const store = config.partitionLogs === 'jetstream'
          ? leasedStore(new JetStreamPartitionLogStore({
            js: jet.js, jsm: jet.jsm, streamPrefix: jet.streamName('P'), subjectPrefix: jet.subject('p'), replicas: jet.replicas,
            owner: () => String(config.nodeId), ackTimeoutMs: config.offsetsCommitTimeoutMs,
            onFailure: (topic, partition, err) => gate.failed(topic, partition, err),
          }), gate)
          : new FilePartitionLogStore(config.dataDir, parseFsyncPolicy(config.fsync) ?? { kind: 'always' });
        const metrics = ctx.get<Metrics>(METRICS);
        return metrics === NOOP_METRICS ? store : new MeteredPartitionLogStore(store, metrics);
      })
      .inSingletonScope();
    bind<MetaJournal>(TYPES.MetaLog)
      .toDynamicValue((ctx) => new MetaJournal(metaLog, ctx.get<SnapshotStore>(TYPES.SnapshotStore), config.snapshotEveryEvents, log.child({ component: 'metalog' }), ctx.get<Metrics>(METRICS)))
      .inSingletonScope();
  });

/**
 * Cluster mode's composition root (docs/scale-out.md), chosen by `--metalog jetstream://…`: the
 * metadata shard and every coordinator shard live on JetStream; shard leases decide which broker
 * serves which; the Kafka handlers reach groups through the ShardRouter.
 */
export const startClusterBroker = async (config: BrokerConfig, options: StartOptions = {}): Promise<ClusterBroker> => {
  const servers = parseJetStreamUrl(config.metalog);
  if (servers === null) throw new Error(`--metalog ${config.metalog}: expected jetstream://host:port[,host:port...]`);
  const log = createPinoLogger(config.logLevel);
  const jet = await openJetStreamCluster(servers, config.clusterId);
  const metaLog = new JetStreamMetaLog({
    js: jet.js, jsm: jet.jsm, stream: jet.streamName('meta'), subject: jet.subject('meta'), replicas: jet.replicas,
    owner: `${config.nodeId}:0`, readOnly: true, ackTimeoutMs: config.offsetsCommitTimeoutMs,
    onFailure: (err) => log.error({ code: err.code }, `metadata shard: ${err.message}`),
  });
  const partitionsOnJetStream = config.partitionLogs === 'jetstream';
  let leases: LeaseManager | null = null;
  /** Partitions whose lease this broker holds and whose log it opened and fenced: it leads them. */
  const led = new Set<string>();
  const gate: PartitionGate = {
    owns: (topic, partition) => leases?.owns(partKey(topic, partition)) === true,
    failed: (topic, partition, err) => {
      log.warn({ topic, partition, err: err.message }, 'partition log failed; giving the partition up');
      leases?.release(partKey(topic, partition));
    },
  };
  const container = new Container();
  container.loadSync(systemModule(config, log, await loadPromMetrics(config)), clusterStorageModule(config, log, jet, metaLog, gate), servicesModule(config), groupCoordinatorModule, transactionModule);
  options.overrides?.(container);
  const journal = container.get<MetaJournal>(TYPES.MetaLog);
  const topics = container.get(TopicService);
  const security = container.get(SecurityService);
  const metrics = container.get<Metrics>(METRICS);
  const clock = container.get<Clock>(TYPES.Clock);
  const scheduler = container.get<Scheduler>(TYPES.Scheduler);
  journal.setSnapshotSource(() => [...topics.snapshotEvents(), ...security.snapshotEvents()]);

  const listeners = parseListeners(config);
  const identity = brokerIdentity(config, listeners);
  const writer = container.get(PartitionWriter);
  let controller = false;
  const shards = new ShardHost({
    open: (shard, owner, onFailure) => ({
      log: new JetStreamMetaLog({ js: jet.js, jsm: jet.jsm, stream: jet.streamName(String(shard)), subject: jet.subject(String(shard)), replicas: jet.replicas, owner, ackTimeoutMs: config.offsetsCommitTimeoutMs, onFailure }),
      snapshots: new JetStreamSnapshotStore(jet.snapshots, `S${shard}`),
    }),
    coordinator: (shardJournal) => {
      // One coordinator per shard: its own services, timers and scheduler over the shard's journal.
      const child = new Container({ parent: container });
      const own = new TimerHeapScheduler();
      child.bind<Scheduler>(TYPES.Scheduler).toConstantValue(own);
      child.bind<MetaJournal>(TYPES.MetaLog).toConstantValue(shardJournal);
      child.loadSync(groupCoordinatorModule);
      return { coordinator: child.get(GroupCoordinator), dispose: () => own.clear() };
    },
    release: (shard) => leases?.release(shardKey(shard)),
    nodeId: config.nodeId,
    snapshotEveryEvents: config.snapshotEveryEvents,
    loadTimeoutMs: Math.max(5000, config.leaseTtlMs),
    scheduler,
    log: log.child({ component: 'shards' }),
    metrics,
  });
  const n = config.offsetsTopicNumPartitions;
  const router = new ShardRouter(n, (shard) => (leases?.owns(shardKey(shard)) === true ? shards.get(shard) : null), () => shards.all());
  const view: ClusterView = {
    brokers: () => leases?.liveBrokers() ?? [],
    controllerId: () => leases?.ownerOf(META)?.nodeId ?? -1,
    partitionLeader: (topic, partition) => {
      if (!partitionsOnJetStream) return leases?.ownerOf(META)?.nodeId ?? -1;
      const key = partKey(topic, partition);
      // This broker names itself only once the log is open and fenced.
      if (leases?.owns(key) === true) return led.has(key) ? config.nodeId : -1;
      return leases?.ownerOf(key)?.nodeId ?? -1;
    },
    coordinatorOf: (key) => leases?.ownerOf(shardKey(shardOf(key, n))) ?? null,
  };
  // Only the controller creates topics (a follower's copy of the metadata shard is read-only).
  const autoCreate = topics.autoCreateEnabled.bind(topics);
  topics.autoCreateEnabled = () => controller && autoCreate();
  topics.onChange(() => shards.all().forEach((c) => c.onTopicMetadataChanged()));

  let markReady!: () => void;
  const server = kafkaServer(container, config, listeners, identity, new Promise<void>((r) => (markReady = r)), {
    coordinator: router,
    view,
    // Producer ids and transactions live with the controller; partitions with it too, or with their
    // lease holders; only the controller writes topics, configs and ACLs (docs/scale-out.md).
    wrap: (h) => controllerGuard(() => controller)(transactionCoordinatorGuard(() => controller, () => false)(partitionLeaderGuard({
      leads: (topic, partition) => (partitionsOnJetStream ? led.has(partKey(topic, partition)) && leases?.owns(partKey(topic, partition)) === true : controller),
      topicOf: (id) => topics.getById(id)?.name,
    })(h))),
  });
  // Prometheus and the group pages show the groups of the shards this broker coordinates now.
  const metricsHttp = await metricsServer(container, config, router);
  const groupMetrics = new GroupMetrics(router, metrics);
  const metricsPort = metricsHttp === null ? null : await metricsHttp.listen();
  if (metricsPort !== null) log.info({ host: config.metricsHost, port: metricsPort }, 'metrics endpoint listening');
  const boundPorts = await server.listen().catch(async (err: unknown) => {
    await metricsHttp?.close();
    await jet.close();
    throw err;
  });
  const ports = advertiseBoundPorts(identity, listeners, boundPorts);
  log.info({ nodeId: config.nodeId, port: identity.port, jetstream: servers.join(','), replicas: jet.replicas, shards: n }, 'listening (cluster mode)');
  try {
    await loadState(container);
  } catch (err) {
    await server.close();
    await metricsHttp?.close();
    await jet.close();
    throw err;
  }
  groupMetrics.baseline();
  markReady();

  // Followers tail the metadata shard: topics, configs and ACLs the controller writes.
  const applyMeta = (event: Parameters<Parameters<MetaJournal['replay']>[1]>[0]): void => {
    if (isGroupEvent(event)) return;
    if (isSecurityEvent(event)) security.applyReplayed(event);
    else topics.applyReplayed(event as TopicEvent);
  };
  let tailing: Promise<void> = Promise.resolve();
  const catchUp = (): Promise<void> => {
    tailing = tailing.then(async () => {
      const before = journal.nextPosition();
      await journal.replay(before, applyMeta).catch((err: Error) => log.warn({ err: err.message }, 'metadata tail failed'));
      if (journal.nextPosition() !== before) shards.all().forEach((c) => c.onTopicMetadataChanged());
    });
    return tailing;
  };
  const tail = setInterval(() => {
    if (!controller) void catchUp();
  }, 250);
  tail.unref();

  /** A partition lease taken: forget what this broker knew, open (read + fence) the log, then lead it. */
  const takePartition = async (key: string): Promise<void> => {
    const { topic, partition } = parsePartKey(key);
    led.delete(key);
    await topics.releasePartition(topic, partition);
    writer.forgetPartition(topic, partition);
    const started = Date.now();
    try {
      const pending = topics.partitionLog(topic, partition);
      if (pending === undefined) throw new Error('unknown partition');
      const opened = await pending;
      if (leases?.owns(key) !== true) return;
      await writer.load(topic, partition, opened);
      if (leases?.owns(key) !== true) return;
      led.add(key);
      log.info({ topic, partition, logEndOffset: String(opened.logEndOffset()), ms: Date.now() - started }, 'leading partition');
    } catch (err) {
      log.warn({ topic, partition, err: (err as Error).message }, 'opening the partition failed; giving it up');
      leases?.release(key);
    }
  };
  const dropPartition = (key: string): void => {
    const { topic, partition } = parsePartKey(key);
    led.delete(key);
    writer.forgetPartition(topic, partition);
    void topics.releasePartition(topic, partition);
  };

  leases = new LeaseManager(
    jet.kv,
    clock,
    scheduler,
    {
      self: { nodeId: config.nodeId, host: identity.host, port: identity.port },
      keys: [...Array.from({ length: n }, (_, i) => shardKey(i)), META],
      sticky: new Set([META]),
      ttlMs: config.leaseTtlMs,
      dynamicKeys: partitionsOnJetStream ? () => topics.list().flatMap((t) => Array.from({ length: t.partitions }, (_, p) => partKey(t.name, p))) : undefined,
    },
    {
      acquired: (key, revision) => {
        if (key.startsWith(PART)) {
          void takePartition(key);
          return;
        }
        if (key !== META) {
          void shards.acquired(Number(key.slice('shard.'.length)), revision);
          return;
        }
        void catchUp().then(async () => {
          metaLog.becomeWriter(`${config.nodeId}:${revision}`);
          await journal.replay(journal.nextPosition(), applyMeta);
          await metaLog.fence();
          controller = leases?.owns(META) === true;
          if (!controller) metaLog.becomeWriter(null);
          log.info({ revision }, 'controller: this broker owns the metadata shard');
        }).catch((err: Error) => {
          log.error({ err: err.message }, 'taking the metadata shard failed');
          metaLog.becomeWriter(null);
          leases?.release(META);
        });
      },
      lost: (key) => {
        if (key.startsWith(PART)) {
          dropPartition(key);
        } else if (key === META) {
          controller = false;
          metaLog.becomeWriter(null);
        } else {
          shards.lost(Number(key.slice('shard.'.length)));
        }
      },
    },
    log.child({ component: 'leases' }),
  );
  await leases.start();

  const close = async (): Promise<void> => {
    clearInterval(tail);
    await server.close();
    await metricsHttp?.close();
    await leases?.stop(true);
    shards.closeAll();
    await topics.close();
    await journal.close().catch(() => undefined);
    await jet.close();
    if (scheduler instanceof TimerHeapScheduler) scheduler.clear();
    const gauge = container.get<HeapGauge>(HEAP_GAUGE);
    if (gauge instanceof V8HeapGauge) gauge.close();
  };
  return {
    port: boundPorts[0]!, ports, security, reloadTls: () => server.reloadTls(), log, container,
    coordinator: container.get(GroupCoordinator), topics, journal, metricsPort, close,
    leases, shards, isController: () => controller,
  };
};
