/**
 * A Map / Set that allocates its table with its first entry and drops it when emptied (issue 14,
 * C5: most classic groups have no static member, and a Stable group has no member awaiting a join;
 * an empty Map or Set still holds a ~150-byte table, ~15 B per member of a 10-member group).
 * `table` is null exactly when empty, so two equal contents are equal values (replay ≡ live).
 */
export class SparseMap<K, V> implements Iterable<[K, V]> {
  table: Map<K, V> | null = null;

  get size(): number {
    return this.table === null ? 0 : this.table.size;
  }

  get(key: K): V | undefined {
    return this.table?.get(key);
  }

  has(key: K): boolean {
    return this.table !== null && this.table.has(key);
  }

  set(key: K, value: V): this {
    (this.table ??= new Map()).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (this.table === null || !this.table.delete(key)) return false;
    if (this.table.size === 0) this.table = null;
    return true;
  }

  clear(): void {
    this.table = null;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return (this.table ?? NO_ENTRIES).entries() as IterableIterator<[K, V]>;
  }
}

/** The Set counterpart of `SparseMap`. */
export class SparseSet<T> implements Iterable<T> {
  table: Set<T> | null = null;

  get size(): number {
    return this.table === null ? 0 : this.table.size;
  }

  has(value: T): boolean {
    return this.table !== null && this.table.has(value);
  }

  add(value: T): this {
    (this.table ??= new Set()).add(value);
    return this;
  }

  delete(value: T): boolean {
    if (this.table === null || !this.table.delete(value)) return false;
    if (this.table.size === 0) this.table = null;
    return true;
  }

  clear(): void {
    this.table = null;
  }

  [Symbol.iterator](): IterableIterator<T> {
    return (this.table ?? NO_VALUES).values() as IterableIterator<T>;
  }
}

const NO_ENTRIES: ReadonlyMap<unknown, unknown> = new Map();
const NO_VALUES: ReadonlySet<unknown> = new Set();
