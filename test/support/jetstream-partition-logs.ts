import { connect } from 'nats';
import { JetStreamPartitionLogStore } from '../../src/adapters/jetstream/jetstream-partition-log-store';
import type { PartitionLogStore } from '../../src/ports/partition-log';
import { startNatsCluster, type NatsCluster } from './nats-cluster';

/** A JetStream partition log store under test; `restart` is a new store over the same streams (it knows only what it reads back). */
export interface JetStreamLogs {
  store(): PartitionLogStore;
  restart(): Promise<PartitionLogStore>;
  /** Another broker's store over the same streams (fencing tests). */
  another(owner: string): JetStreamPartitionLogStore;
  cleanup(): Promise<void>;
}

let cluster: Promise<NatsCluster> | null = null;
let made = 0;

/** Starts one 3-node nats-server cluster per test file, on first use. */
export const sharedNatsCluster = (): Promise<NatsCluster> => (cluster ??= startNatsCluster(3));

/** Stops the file's cluster if one was started (call from afterAll). */
export const stopSharedNatsCluster = async (): Promise<void> => {
  if (cluster !== null) await (await cluster).stop();
  cluster = null;
};

/** A fresh store with its own stream prefix on the shared cluster (R3). */
export const jetStreamLogs = async (): Promise<JetStreamLogs> => {
  const nats = await sharedNatsCluster();
  const nc = await connect({ servers: nats.servers });
  const jsm = await nc.jetstreamManager();
  const prefix = `PLT_${process.pid}_${++made}`;
  const make = (owner = 'test'): JetStreamPartitionLogStore =>
    // A tiny cache: most reads fetch their messages back from the stream (the path a large partition takes).
    new JetStreamPartitionLogStore({ js: nc.jetstream(), jsm, streamPrefix: prefix, subjectPrefix: prefix.toLowerCase(), replicas: 3, owner: () => owner, cacheBytes: 256 });
  const others: JetStreamPartitionLogStore[] = [];
  let store = make();
  return {
    store: () => store,
    restart: async () => {
      await store.close();
      store = make();
      return store;
    },
    another: (owner) => {
      const s = make(owner);
      others.push(s);
      return s;
    },
    cleanup: async () => {
      await store.close();
      for (const s of others) await s.close();
      for (const name of await jsm.streams.names().next()) if (name.startsWith(prefix)) await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
    },
  };
};
