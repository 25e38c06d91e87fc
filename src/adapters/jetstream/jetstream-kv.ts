import type { KV, NatsError } from 'nats';
import type { ClusterKv, KvEntry } from '../../ports/cluster-kv';

const text = new TextEncoder();
const untext = new TextDecoder();

/** A refused compare-and-set (JetStream 10071 "wrong last sequence", or the client's "key exists"). */
const isCasConflict = (err: unknown): boolean => {
  const e = err as NatsError;
  return e.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e.message ?? '');
};

/** ClusterKv on a JetStream KV bucket (R3 in a cluster): revisions are the bucket's stream sequences. */
export class JetStreamKv implements ClusterKv {
  private watcher: { stop(): void } | null = null;

  constructor(private readonly kv: KV) {}

  async create(key: string, value: string): Promise<number | null> {
    try {
      return await this.kv.create(key, text.encode(value));
    } catch (err) {
      if (isCasConflict(err)) return null;
      throw err;
    }
  }

  async update(key: string, value: string, revision: number): Promise<number | null> {
    try {
      return await this.kv.update(key, text.encode(value), revision);
    } catch (err) {
      if (isCasConflict(err)) return null;
      throw err;
    }
  }

  put(key: string, value: string): Promise<number> {
    return this.kv.put(key, text.encode(value));
  }

  delete(key: string): Promise<void> {
    return this.kv.delete(key);
  }

  async watch(fn: (entry: KvEntry) => void): Promise<void> {
    const it = await this.kv.watch({ key: '>' });
    this.watcher = it;
    void (async () => {
      for await (const e of it) {
        fn({ key: e.key, value: e.operation === 'PUT' ? untext.decode(e.value) : null, revision: e.revision });
      }
    })().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.watcher?.stop();
    this.watcher = null;
  }
}
