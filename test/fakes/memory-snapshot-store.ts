import type { Snapshot, SnapshotStore, SnapshotToSave } from '../../src/ports/snapshot-store';

/** In-memory SnapshotStore for tests: keeps the newest snapshots in memory, durable at once. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly kept: Snapshot[] = [];

  constructor(private readonly keep = 2) {}

  async save(snapshot: SnapshotToSave): Promise<void> {
    // Copy the event list: the caller's array must not change what was saved.
    const events = [...snapshot.events];
    this.kept.push({ position: snapshot.position, count: events.length, events });
    this.kept.sort((a, b) => a.position - b.position);
    while (this.kept.length > this.keep) this.kept.shift();
  }

  async loadLatest(): Promise<Snapshot | null> {
    return this.kept[this.kept.length - 1] ?? null;
  }
}
