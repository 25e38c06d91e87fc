import { StorageType, type JetStreamClient, type JetStreamManager, type NatsError } from 'nats';
import type { PartitionLog, PartitionLogConfig, PartitionLogStore } from '../../ports/partition-log';
import { JetStreamPartitionLog } from './jetstream-partition-log';
import { topicToken } from './partition-message';

export interface JetStreamPartitionLogStoreOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Prefix of stream names (`<prefix>_T_<topic>`) and subjects (`<prefix>.t.<topic>.<partition>`), unique per cluster. */
  readonly streamPrefix: string;
  readonly subjectPrefix: string;
  readonly replicas: number;
  /** Cohort-Owner header of every message this store's logs write. */
  owner(topic: string, partition: number): string;
  readonly ackTimeoutMs?: number;
  readonly maxMessageBytes?: number;
  /** Per partition: bytes of the newest messages kept in memory (default 32 MiB). */
  readonly cacheBytes?: number;
  readonly onFailure?: (topic: string, partition: number, error: Error) => void;
}

const STREAM_NOT_FOUND = 10059;

/**
 * PartitionLogStore on JetStream (docs/scale-out.md): one stream per topic (R = min(3, nodes), file
 * storage), one subject per partition. Opening a partition reads its subject and fences it, so the
 * broker that opens a partition is its only writer from then on.
 */
export class JetStreamPartitionLogStore implements PartitionLogStore {
  private readonly logs = new Map<string, Promise<JetStreamPartitionLog>>();
  private readonly streams = new Map<string, Promise<void>>();

  constructor(private readonly o: JetStreamPartitionLogStoreOptions) {}

  streamName(topic: string): string {
    return `${this.o.streamPrefix}_T_${topicToken(topic)}`;
  }

  subject(topic: string, partition: number): string {
    return `${this.o.subjectPrefix}.t.${topicToken(topic)}.${partition}`;
  }

  private ensureStream(topic: string): Promise<void> {
    const name = this.streamName(topic);
    let ready = this.streams.get(name);
    if (ready === undefined) {
      ready = (async () => {
        try {
          await this.o.jsm.streams.info(name);
        } catch (err) {
          if ((err as NatsError).api_error?.err_code !== STREAM_NOT_FOUND) throw err;
          await this.addStream(name, topic);
        }
      })();
      this.streams.set(name, ready);
      ready.catch(() => this.streams.delete(name));
    }
    return ready;
  }

  /** Creates the topic's stream; a cluster still forming ("no suitable peers") gets a few seconds to place R3. */
  private async addStream(name: string, topic: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.o.jsm.streams.add({ name, subjects: [`${this.o.subjectPrefix}.t.${topicToken(topic)}.*`], num_replicas: this.o.replicas, storage: StorageType.File });
        return;
      } catch (err) {
        // Another broker created it meanwhile.
        if (await this.o.jsm.streams.info(name).then(() => true, () => false)) return;
        if (!/no suitable peers/i.test((err as Error).message) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async open(topic: string, partition: number, config: Partial<PartitionLogConfig> = {}): Promise<PartitionLog> {
    const key = `${topic}\u0000${partition}`;
    const cached = this.logs.get(key);
    if (cached !== undefined) {
      const log = await cached;
      if (!log.isClosed()) {
        if (Object.keys(config).length > 0) log.reconfigure(config);
        return log;
      }
      if (this.logs.get(key) === cached) this.logs.delete(key);
      return this.open(topic, partition, config);
    }
    const opening = this.ensureStream(topic).then(() =>
      JetStreamPartitionLog.open({
        js: this.o.js,
        jsm: this.o.jsm,
        stream: this.streamName(topic),
        subject: this.subject(topic, partition),
        owner: this.o.owner(topic, partition),
        ackTimeoutMs: this.o.ackTimeoutMs,
        maxMessageBytes: this.o.maxMessageBytes,
        cacheBytes: this.o.cacheBytes,
        onFailure: (err) => this.o.onFailure?.(topic, partition, err),
      }, config),
    );
    this.logs.set(key, opening);
    opening.catch(() => {
      if (this.logs.get(key) === opening) this.logs.delete(key);
    });
    return opening;
  }

  /** Forgets (closes) one partition's open log without touching its data: another broker now leads it. */
  async release(topic: string, partition: number): Promise<void> {
    const key = `${topic}\u0000${partition}`;
    const open = this.logs.get(key);
    if (open === undefined) return;
    this.logs.delete(key);
    await (await open.catch(() => null))?.close();
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const [key, open] of [...this.logs]) {
      if (key.slice(0, key.indexOf('\u0000')) !== topic) continue;
      this.logs.delete(key);
      await (await open.catch(() => null))?.close();
    }
    const name = this.streamName(topic);
    this.streams.delete(name);
    await this.o.jsm.streams.delete(name).catch((err: NatsError) => {
      if (err.api_error?.err_code !== STREAM_NOT_FOUND) throw err;
    });
  }

  async close(): Promise<void> {
    const open = [...this.logs.values()];
    this.logs.clear();
    for (const log of open) await (await log.catch(() => null))?.close();
  }
}
