import type { MetaEvent } from '../domain/meta-event';

/** Position of a record in the MetaLog: the count of records written before it (0-based, dense). */
export type LogPosition = number;

/** Why an append could not be made durable; `code` mirrors the errno-style cause (EIO, ENOSPC, ...). */
export class MetaLogError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'MetaLogError';
  }
}

/** How urgently an append must become durable (see `MetaLog.append`). */
export interface AppendOptions {
  /** No response waits for these events (PE-10): they may ride the next flush instead of forcing one. */
  readonly deferrable?: boolean;
}

/**
 * What a replay hands its events to. `offsetCommitted` is the fast path of the commonest event (C4: a
 * MetaLog is mostly commits): a log may call it with the fields of an OffsetCommitted instead of
 * building the event object, and it must have exactly the effect of
 * `event({ type: 'OffsetCommitted', groupId, topic, … }, position)`. A log may also pass any
 * OffsetCommitted to `event`; the sink handles both.
 */
export interface ReplaySink {
  event(event: MetaEvent, position: LogPosition): void;
  offsetCommitted(
    groupId: string,
    topic: string,
    partition: number,
    offset: number,
    leaderEpoch: number,
    metadata: string,
    commitTimestamp: number,
    expireTimestamp: number | null,
  ): void;
  /** Optional: called now and then in a long replay with the position reached (the file log: after each read). */
  progress?(position: LogPosition): void;
}

/**
 * MetaLog port: the coordinator's write-ahead log of domain events (groups, offsets, topics).
 *
 * Contract:
 * - `append(events)` appends the events as one atomic batch (after a crash either all of them or
 *   none are replayed) and resolves with the position of the first one **only once they are
 *   durable** under the configured fsync policy (`always`: fdatasync done). Appends made in the
 *   same event-loop turn may share one write and one flush (group commit); they resolve in order.
 * - A failed write or flush rejects every append of the affected batch with `MetaLogError` and puts
 *   the log in a failed state: every later append rejects too (fail-stop, never a retry on the
 *   same file descriptor — the fsyncgate rule).
 * - `replay(from, fn)` calls `fn` for every durable event at position ≥ `from`, in log order, and
 *   resolves with the position after the last one. It is called before the first append.
 * - `truncateBefore(pos)` may delete whole segments that hold only records below `pos` (after a
 *   snapshot covering them is durable). It never deletes a record at or above `pos`.
 * - `close()` flushes what is pending and releases files; appends after close reject.
 * - `append(events, { deferrable: true })` (PE-10: events no response waits for): the batch takes its
 *   position in order at once, and the promise still resolves only once it is durable, but the log
 *   need not spend a flush on it alone: it may hold it back and write it with the next
 *   non-deferrable append (one record, one flush), or after a bounded delay. Until then a crash may
 *   lose it (never an append that resolved). A log may ignore the option.
 */
export interface MetaLog {
  append(events: readonly MetaEvent[], options?: AppendOptions): Promise<LogPosition>;
  replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition>;
  /**
   * Optional fast path of `replay`: the same events, in the same order, into `sink` (OffsetCommitted
   * may arrive as `offsetCommitted` fields, without an event object). Same contract as `replay`;
   * callers go through `replayToSink`, which falls back to `replay` for a log without it.
   */
  replayTo?(from: LogPosition, sink: ReplaySink): Promise<LogPosition>;
  /** Position the next appended event will get. */
  nextPosition(): LogPosition;
  truncateBefore(position: LogPosition): Promise<void>;
  /**
   * Optional hint: a snapshot will cover every event below `position` (the next position now). A
   * segmented log may begin a new segment there, so that replaying from the snapshot reads nothing
   * older. No effect on what is durable or replayed.
   */
  checkpoint?(position: LogPosition): void;
  close(): Promise<void>;
}

/** `log.replayTo(from, sink)`, or for a log without the fast path `replay` with every event to `sink.event`. */
export const replayToSink = (log: MetaLog, from: LogPosition, sink: ReplaySink): Promise<LogPosition> =>
  log.replayTo !== undefined ? log.replayTo(from, sink) : log.replay(from, (event, position) => sink.event(event, position));
