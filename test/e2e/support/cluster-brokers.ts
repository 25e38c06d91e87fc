import { startBrokerProcess, type BrokerProcess } from './broker-process';
import type { NatsCluster } from '../../support/nats-cluster';

/** Flags of one broker of a test cluster (short TTL so failover tests stay fast). */
export const clusterArgs = (nats: NatsCluster, nodeId: number, clusterId: string, leaseTtlMs: number, extra: string[] = []): string[] => [
  '--metalog', nats.url, '--node-id', String(nodeId), '--cluster-id', clusterId, '--lease-ttl-ms', String(leaseTtlMs),
  '--offsets-topic-num-partitions', '12', '--log-level', 'info', ...extra,
];

/** Starts `count` brokers (node ids 1..count) sharing the NATS cluster. */
export const startClusterBrokers = async (
  nats: NatsCluster,
  count: number,
  opts: { clusterId: string; leaseTtlMs: number; extra?: string[]; extraFor?: (nodeId: number) => string[] },
): Promise<BrokerProcess[]> => {
  const brokers: BrokerProcess[] = [];
  for (let i = 1; i <= count; i++) {
    const extra = [...(opts.extra ?? []), ...(opts.extraFor?.(i) ?? [])];
    brokers.push(await startBrokerProcess({ args: clusterArgs(nats, i, opts.clusterId, opts.leaseTtlMs, extra) }));
  }
  return brokers;
};
