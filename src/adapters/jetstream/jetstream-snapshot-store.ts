import type { ObjectStore } from 'nats';
import type { Snapshot, SnapshotStore, SnapshotToSave } from '../../ports/snapshot-store';
import { decodeSnapshot, encodeSnapshot } from '../snapshot/file-snapshot-store';

/**
 * SnapshotStore on a JetStream object store (R3): one object per shard, the same checksummed
 * encoding as snapshot files. `put` replaces the object only once the whole new one is stored, so a
 * crash leaves the previous snapshot or the new one (port contract); a damaged object reads as none
 * and the shard replays its stream from wherever it still starts (MetaJournal keeps the previous
 * snapshot's tail).
 */
export class JetStreamSnapshotStore implements SnapshotStore {
  constructor(private readonly store: ObjectStore, private readonly name: string) {}

  async save(snapshot: SnapshotToSave): Promise<void> {
    await this.store.putBlob({ name: this.name }, await encodeSnapshot(snapshot));
  }

  async loadLatest(): Promise<Snapshot | null> {
    const bytes = await this.store.getBlob(this.name);
    if (bytes === null) return null;
    try {
      return decodeSnapshot(this.name, bytes);
    } catch {
      return null;
    }
  }
}
