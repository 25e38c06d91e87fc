/** One key of the cluster's KV bucket as last seen; `value` null once the key is deleted. */
export interface KvEntry {
  readonly key: string;
  readonly value: string | null;
  readonly revision: number;
}

/**
 * ClusterKv port: the replicated key-value bucket that holds shard leases and the live-broker
 * registry (docs/scale-out.md). Contract:
 * - `create` writes a key only if it is absent (or deleted) and resolves with its revision, or null
 *   when another writer has it; `update` writes only if the key's current revision is `revision`
 *   (compare-and-set), null otherwise. Both resolve only once the bucket's quorum stored the write.
 * - `watch` calls `fn` for every current key, then for every later change, in revision order.
 * - Any other failure (bucket unreachable) rejects; nothing is assumed written.
 */
export interface ClusterKv {
  create(key: string, value: string): Promise<number | null>;
  update(key: string, value: string, revision: number): Promise<number | null>;
  put(key: string, value: string): Promise<number>;
  delete(key: string): Promise<void>;
  watch(fn: (entry: KvEntry) => void): Promise<void>;
  close(): Promise<void>;
}
