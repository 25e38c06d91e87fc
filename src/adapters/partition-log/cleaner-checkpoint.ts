import { readCheckpoint, readOffsetField, writeCheckpoint } from './checkpoint-file';

/**
 * What the log cleaner remembers about one partition between passes (Kafka's
 * cleaner-offset-checkpoint, plus the KIP-534 horizon that makes a clean log eligible again).
 */
export interface CleanerCheckpoint {
  /** The cleaned section is [log start, firstDirtyOffset): records there have unique keys. */
  readonly firstDirtyOffset: bigint;
  /** Earliest delete horizon stamped on a kept tombstone, or null: at that time the log is due again. */
  readonly deleteHorizonMs: bigint | null;
}

export const EMPTY_CHECKPOINT: CleanerCheckpoint = { firstDirtyOffset: 0n, deleteHorizonMs: null };

/** File name of the checkpoint in a partition directory. */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/** Reads a partition's cleaner checkpoint; a missing or unreadable one means "nothing cleaned yet" (one extra pass, never lost data). */
export const readCleanerCheckpoint = async (dir: string): Promise<CleanerCheckpoint> => {
  const content = await readCheckpoint(dir, CLEANER_CHECKPOINT_FILE);
  const firstDirtyOffset = readOffsetField(content, 'firstDirtyOffset');
  if (firstDirtyOffset === null) return EMPTY_CHECKPOINT;
  return { firstDirtyOffset, deleteHorizonMs: readOffsetField(content, 'deleteHorizonMs') };
};

/** Replaces a partition's cleaner checkpoint atomically. */
export const writeCleanerCheckpoint = (dir: string, c: CleanerCheckpoint, sync: boolean): Promise<void> =>
  writeCheckpoint(
    dir,
    CLEANER_CHECKPOINT_FILE,
    { firstDirtyOffset: c.firstDirtyOffset.toString(), ...(c.deleteHorizonMs === null ? {} : { deleteHorizonMs: c.deleteHorizonMs.toString() }) },
    sync,
  );
