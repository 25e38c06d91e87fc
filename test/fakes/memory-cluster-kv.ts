import type { ClusterKv, KvEntry } from '../../src/ports/cluster-kv';

/** One in-memory bucket shared by several `MemoryClusterKv` views (one per broker), with CAS on revisions. */
export class MemoryBucket {
  private revision = 0;
  readonly entries = new Map<string, KvEntry>();
  private readonly watchers = new Set<(e: KvEntry) => void>();
  /** While true, every call rejects (the bucket is unreachable). */
  down = false;

  write(key: string, value: string | null, expected: number | null | 'absent'): number | null {
    const cur = this.entries.get(key);
    if (expected === 'absent' && cur !== undefined && cur.value !== null) return null;
    if (typeof expected === 'number' && (cur?.revision ?? 0) !== expected) return null;
    const e: KvEntry = { key, value, revision: ++this.revision };
    this.entries.set(key, e);
    for (const w of this.watchers) w(e);
    return e.revision;
  }

  watch(fn: (e: KvEntry) => void): () => void {
    for (const e of this.entries.values()) fn(e);
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }
}

/** ClusterKv over a MemoryBucket (tests: leases without NATS). */
export class MemoryClusterKv implements ClusterKv {
  private unwatch: (() => void) | null = null;
  constructor(private readonly bucket: MemoryBucket) {}
  private check(): void {
    if (this.bucket.down) throw new Error('bucket unreachable');
  }
  async create(key: string, value: string): Promise<number | null> {
    this.check();
    return this.bucket.write(key, value, 'absent');
  }
  async update(key: string, value: string, revision: number): Promise<number | null> {
    this.check();
    return this.bucket.write(key, value, revision);
  }
  async put(key: string, value: string): Promise<number> {
    this.check();
    return this.bucket.write(key, value, null)!;
  }
  async delete(key: string): Promise<void> {
    this.check();
    this.bucket.write(key, null, null);
  }
  async watch(fn: (entry: KvEntry) => void): Promise<void> {
    this.unwatch = this.bucket.watch(fn);
  }
  async close(): Promise<void> {
    this.unwatch?.();
  }
}
