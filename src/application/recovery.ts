import type { MetaEvent } from '../domain/meta-event';
import type { Logger } from '../ports/logger';
import type { MetaLog } from '../ports/meta-log';
import type { SnapshotStore } from '../ports/snapshot-store';

/** Recovery statistics, logged at startup and exported as metrics. */
export interface RecoveryStats {
  readonly snapshotPosition: number | null;
  readonly snapshotEvents: number;
  readonly replayedEvents: number;
  readonly ms: number;
}

/**
 * PE-7/PE-9/PE-11: load the newest valid snapshot, replay the MetaLog tail after it, in log order,
 * into the same reducers as live processing. Progress is logged for long replays.
 */
export const recover = async (
  metaLog: MetaLog,
  snapshots: SnapshotStore,
  apply: (event: MetaEvent) => void,
  log: Logger,
): Promise<RecoveryStats> => {
  const started = Date.now();
  const snapshot = await snapshots.loadLatest();
  if (snapshot !== null) for (const e of snapshot.events) apply(e);
  let replayed = 0;
  let lastReport = Date.now();
  await metaLog.replay(snapshot?.position ?? 0, (event) => {
    apply(event);
    replayed++;
    if ((replayed & 0xffff) === 0 && Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      log.info({ replayed }, 'replaying MetaLog');
    }
  });
  return { snapshotPosition: snapshot?.position ?? null, snapshotEvents: snapshot?.events.length ?? 0, replayedEvents: replayed, ms: Date.now() - started };
};
