import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, type ObjectStore } from 'nats';
import { JetStreamKv } from './jetstream-kv';

/** The JetStream resources of one Cohort cluster (docs/scale-out.md). */
export interface JetStreamCluster {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Shard leases and the broker registry. */
  readonly kv: JetStreamKv;
  /** Shard snapshots. */
  readonly snapshots: ObjectStore;
  /** Replicas of every stream: 3, or 1 when JetStream runs on a single server. */
  readonly replicas: number;
  /** Stream name of a shard (`S<n>`, or `META`). */
  streamName(shard: string): string;
  subject(shard: string): string;
  close(): Promise<void>;
}

/** Raised when JetStream cannot be reached or is not enabled: the CLI prints it on one line and exits non-zero. */
export class JetStreamUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JetStreamUnavailableError';
  }
}

const safeName = (clusterId: string): string => clusterId.replace(/[^A-Za-z0-9_-]/g, '_');

/** Connects (failing fast when no server answers), then opens or creates the cluster's KV bucket and object store. */
export const openJetStreamCluster = async (servers: string[], clusterId: string, connectTimeoutMs = 3000): Promise<JetStreamCluster> => {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers, timeout: connectTimeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: false, name: `cohort-${clusterId}` });
  } catch (err) {
    throw new JetStreamUnavailableError(`JetStream unreachable at ${servers.join(',')}: ${(err as Error).message}`);
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: connectTimeoutMs });
    const js = nc.jetstream({ timeout: connectTimeoutMs });
    const name = safeName(clusterId);
    // R3 where the cluster has three servers; a lone server (development) gets R1.
    const peers = (nc.info?.connect_urls?.length ?? 0) + 1;
    const replicas = peers >= 3 ? 3 : 1;
    const kv = await js.views.kv(`cohort-${name}-leases`, { replicas, history: 1 });
    const snapshots = await js.views.os(`cohort-${name}-snapshots`, { replicas });
    return {
      nc,
      js,
      jsm,
      kv: new JetStreamKv(kv),
      snapshots,
      replicas,
      streamName: (shard) => `COHORT_${name}_${shard === 'meta' ? 'META' : `S${shard}`}`,
      subject: (shard) => `cohort.${name}.${shard}`,
      close: async () => {
        await nc.drain().catch(() => nc.close());
      },
    };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new JetStreamUnavailableError(`JetStream not usable at ${servers.join(',')}: ${(err as Error).message}`);
  }
};
