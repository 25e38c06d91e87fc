import type { MetaEvent } from '../domain/meta-event';
import type { Logger } from '../ports/logger';
import { replayToSink, type MetaLog, type ReplaySink } from '../ports/meta-log';
import type { SnapshotStore } from '../ports/snapshot-store';

/** Recovery statistics, logged at startup and exported as metrics. */
export interface RecoveryStats {
  readonly snapshotPosition: number | null;
  readonly snapshotEvents: number;
  readonly replayedEvents: number;
  readonly ms: number;
}

/** Folds one OffsetCommitted given as its fields, exactly as `apply` would fold the event (ReplaySink). */
export type ApplyOffsetCommitted = ReplaySink['offsetCommitted'];

/**
 * PE-7/PE-9/PE-11: load the newest valid snapshot, replay the MetaLog tail after it, in log order,
 * into the same reducers as live processing. Progress is logged for long replays.
 *
 * `applyOffsetCommitted`, when given, receives the snapshot's and the log's commits without an event
 * object (the fast path, C4: both are mostly commits); it must have the effect `apply` has on the
 * OffsetCommitted event. Without it, commits reach `apply` as events.
 */
export const recover = async (
  metaLog: MetaLog,
  snapshots: SnapshotStore,
  apply: (event: MetaEvent) => void,
  log: Logger,
  applyOffsetCommitted?: ApplyOffsetCommitted,
): Promise<RecoveryStats> => {
  const started = Date.now();
  const snapshot = await snapshots.loadLatest();
  const commit: ApplyOffsetCommitted =
    applyOffsetCommitted ??
    ((groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp) =>
      apply({ type: 'OffsetCommitted', groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp }));
  // A snapshot's commits take the fast path too when the store offers it (C4's snapshot rows).
  if (snapshot?.deliverTo !== undefined) snapshot.deliverTo({ event: apply, offsetCommitted: commit });
  else if (snapshot !== null) for (const e of snapshot.events) apply(e);
  const from = snapshot?.position ?? 0;
  log.debug({ snapshotEvents: snapshot?.count ?? 0, ms: Date.now() - started }, 'snapshot folded');
  let lastReport = Date.now();
  // Commits go straight to `commit`, with no counting wrapper around it (C4: a replay is mostly
  // commits, and every call level between the log's reader and the fold is one the optimizer must
  // inline); the count is the positions replayed, and progress comes from the log between reads.
  const end = await replayToSink(metaLog, from, {
    event: apply,
    offsetCommitted: commit,
    progress(position) {
      const now = Date.now();
      // Once per chunk read (a few MiB): the replay's timeline at debug level (c4-rounds' C4_ROUNDS_TIMELINE).
      log.debug({ replayed: Math.max(0, position - from), ms: now - started }, 'replay progress');
      if (now - lastReport > 1000) {
        lastReport = now;
        log.info({ replayed: Math.max(0, position - from) }, 'replaying MetaLog');
      }
    },
  });
  const replayed = Math.max(0, end - from);
  return { snapshotPosition: snapshot?.position ?? null, snapshotEvents: snapshot?.count ?? 0, replayedEvents: replayed, ms: Date.now() - started };
};
