import { isGroupEvent } from '../../domain/group/events';
import type { Logger } from '../../ports/logger';
import type { MetaLog, MetaLogError } from '../../ports/meta-log';
import type { Metrics } from '../../ports/metrics';
import type { Scheduler } from '../../ports/scheduler';
import type { SnapshotStore } from '../../ports/snapshot-store';
import type { GroupCoordinator } from '../group-coordinator';
import { MetaJournal } from '../meta-journal';
import { recover } from '../recovery';

/** A shard's log as its new owner opens it: a MetaLog that can fence older writers. */
export interface ShardLog extends MetaLog {
  /** The owner's first write: every older writer's next append is refused. */
  fence(): Promise<void>;
}

export interface ShardHostDeps {
  /** Opens the shard's log (written as `owner`) and its snapshot store; `onFailure` is called once if the log fails. */
  open(shard: number, owner: string, onFailure: (error: MetaLogError) => void): { log: ShardLog; snapshots: SnapshotStore };
  /** A fresh coordinator (its own services, timers and scheduler) over the shard's journal. */
  coordinator(journal: MetaJournal): { coordinator: GroupCoordinator; dispose(): void };
  /** Gives the shard's lease back (after a failed log or load): another broker, or this one later, reopens it. */
  release(shard: number): void;
  readonly nodeId: number;
  readonly snapshotEveryEvents: number;
  /** A load (snapshot + replay + fence) not done by then is given up and retried (a stream leader lost mid-read). */
  readonly loadTimeoutMs: number;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly metrics: Metrics;
}

interface Hosted {
  readonly generation: number;
  readonly coordinator: GroupCoordinator;
  readonly journal: MetaJournal;
  readonly dispose: () => void;
}

/**
 * The coordinator shards this broker owns: one GroupCoordinator per shard, loaded from the shard's
 * snapshot + stream when its lease is acquired (GEN-2: LOAD_IN_PROGRESS meanwhile), fenced before it
 * serves, and unloaded the moment the lease is lost (CG-74: NOT_COORDINATOR for parked and later
 * requests). A failed log (fenced by a newer owner, or JetStream gone) gives the lease back.
 */
export class ShardHost {
  private readonly hosted = new Map<number, Hosted>();
  private generation = 0;

  constructor(private readonly d: ShardHostDeps) {}

  /** The coordinator of `shard` if this broker hosts it (loaded or loading). */
  get(shard: number): GroupCoordinator | null {
    return this.hosted.get(shard)?.coordinator ?? null;
  }

  all(): GroupCoordinator[] {
    return [...this.hosted.values()].map((h) => h.coordinator);
  }

  /** Loads `shard` for lease `revision`; resolves once it serves (or was given up). */
  async acquired(shard: number, revision: number): Promise<void> {
    this.lost(shard);
    const generation = ++this.generation;
    const log = this.d.log.child({ shard });
    const storage = this.d.open(shard, `${this.d.nodeId}:${revision}`, (error) => {
      log.warn({ code: error.code }, `shard log failed: ${error.message}; giving the shard up`);
      if (this.hosted.get(shard)?.generation === generation) {
        this.lost(shard);
        this.d.release(shard);
      }
    });
    const journal = new MetaJournal(storage.log, storage.snapshots, this.d.snapshotEveryEvents, log, this.d.metrics);
    const { coordinator, dispose } = this.d.coordinator(journal);
    coordinator.beginLoad();
    this.hosted.set(shard, { generation, coordinator, journal, dispose });
    const started = Date.now();
    const timerKey = `shard-load-${shard}-${generation}`;
    try {
      const load = (async () => {
        const current = (): boolean => this.hosted.get(shard)?.generation === generation;
        const commit = coordinator.applyReplayedOffsetCommitted;
        const stats = await recover(journal, storage.snapshots, (e) => {
          if (isGroupEvent(e) && current()) coordinator.applyReplayed(e);
        }, log, (groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp) => {
          if (current()) commit(groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
        });
        journal.setLoadedSnapshot(stats.snapshotPosition, stats.snapshotEvents);
        journal.setSnapshotSource(() => coordinator.snapshotEvents());
        await storage.log.fence();
        return stats;
      })();
      const stats = await new Promise<Awaited<typeof load>>((resolve, reject) => {
        this.d.scheduler.schedule(timerKey, this.d.loadTimeoutMs, () => reject(new Error(`load not done within ${this.d.loadTimeoutMs} ms`)));
        load.then(resolve, reject);
      }).finally(() => this.d.scheduler.cancel(timerKey));
      if (this.hosted.get(shard)?.generation !== generation) return;
      coordinator.completeLoad();
      log.info({ ...stats, ms: Date.now() - started, revision }, 'shard loaded');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'shard load failed; giving the shard up');
      if (this.hosted.get(shard)?.generation === generation) {
        this.lost(shard);
        this.d.release(shard);
      }
    }
  }

  /** Stops serving `shard` at once. */
  lost(shard: number): void {
    const h = this.hosted.get(shard);
    if (h === undefined) return;
    this.hosted.delete(shard);
    h.coordinator.unload();
    h.dispose();
    void h.journal.close().catch(() => undefined);
  }

  /** Unloads every shard (shutdown). */
  closeAll(): void {
    for (const shard of [...this.hosted.keys()]) this.lost(shard);
  }
}
