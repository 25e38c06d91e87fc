import type { MetaEvent } from '../domain/meta-event';
import type { LogPosition, ReplaySink } from './meta-log';

/** Where a snapshot's events go without being iterated (`Snapshot.deliverTo`): a replay sink's two folds. */
export type SnapshotSink = Pick<ReplaySink, 'event' | 'offsetCommitted'>;

/**
 * A snapshot: events that rebuild the folded state (latest value per key), valid up to `position`.
 * `events` may be made as they are iterated (the file store decodes one at a time, so a recovery
 * never holds every event of a large snapshot at once: C6), and may be iterated more than once.
 */
export interface Snapshot {
  /** Every MetaLog record below this position is covered by the snapshot. */
  readonly position: LogPosition;
  /** How many events `events` yields. */
  readonly count: number;
  readonly events: Iterable<MetaEvent>;
  /**
   * Optional: hands the same events, in order, to `sink` — a compact OffsetCommitted as its fields
   * through `sink.offsetCommitted` (no event object; the MetaLog replay's fast path, C4), every other
   * event through `sink.event` (with `position` as its position). Folding either way gives the same
   * state. A recovery uses it when present: a snapshot is mostly commits.
   */
  readonly deliverTo?: (sink: SnapshotSink) => void;
}

/**
 * A snapshot to write: its events may be made while they are iterated (a store iterates them
 * once), but their content is fixed when the snapshot is taken — later appends do not change it.
 */
export interface SnapshotToSave {
  readonly position: LogPosition;
  readonly events: Iterable<MetaEvent>;
}

/**
 * SnapshotStore port.
 *
 * Contract:
 * - `save(s)` writes the snapshot atomically (temp file, fsync, rename, directory fsync) and resolves
 *   once it is durable; a crash at any point leaves either the previous snapshot or the new one.
 * - `loadLatest()` returns the newest snapshot that is whole and passes its checksum, falling back
 *   to an older one when the newest is damaged; `null` when none is usable. Its events are checked
 *   by the checksum before they are handed out; an event that still fails to decode (bytes the
 *   checksum vouches for, in a format this build does not read) throws while iterating, and the
 *   recovery stops there rather than build a state from part of a snapshot.
 * - Replaying `events` into the initial state and then the MetaLog from `position` gives exactly the
 *   state that replaying the whole MetaLog gives (PE-9).
 */
export interface SnapshotStore {
  save(snapshot: SnapshotToSave): Promise<void>;
  loadLatest(): Promise<Snapshot | null>;
}
