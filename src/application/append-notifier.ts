/**
 * Wakes long-polling Fetch requests when data is appended (issue: "fetches waiting on new data are
 * woken by appends, not by polling timers"). Keys are "topic/partition".
 */
export class AppendNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Registers `wake` for every key; returns a function that unregisters it. */
  subscribe(keys: readonly string[], wake: () => void): () => void {
    for (const k of keys) {
      let set = this.waiters.get(k);
      if (set === undefined) this.waiters.set(k, (set = new Set()));
      set.add(wake);
    }
    return () => {
      for (const k of keys) {
        const set = this.waiters.get(k);
        if (set === undefined) continue;
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(k);
      }
    };
  }

  notify(key: string): void {
    const set = this.waiters.get(key);
    if (set === undefined) return;
    for (const wake of [...set]) wake();
  }

  static key(topic: string, partition: number): string {
    return `${topic}/${partition}`;
  }
}
