import type { MetaEvent } from '../../src/domain/meta-event';
import { MetaLogError, type AppendOptions, type LogPosition, type MetaLog, type ReplaySink } from '../../src/ports/meta-log';

export interface MemoryMetaLogOptions {
  /**
   * When appends become durable: after this many microtask turns (default 1), or only on
   * `flush()` when 'manual'.
   */
  readonly durableAfter?: number | 'manual';
}

interface PendingBatch {
  readonly events: readonly MetaEvent[];
  readonly position: LogPosition;
  readonly resolve: (p: LogPosition) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * In-memory MetaLog for tests. Honours the port contract: appends resolve in order once
 * "durable", a failure rejects the affected batches and every later append (fail-stop), replay
 * sees only durable events.
 */
export class MemoryMetaLog implements MetaLog {
  private readonly durable: MetaEvent[] = [];
  private readonly appended: MetaEvent[] = [];
  private readonly pending: PendingBatch[] = [];
  private readonly deferrableFlags: boolean[] = [];
  private failure: MetaLogError | null = null;
  private injected: MetaLogError | null = null;
  private truncatedBefore = 0;
  private closed = false;

  constructor(private readonly options: MemoryMetaLogOptions = {}) {}

  append(events: readonly MetaEvent[], options?: AppendOptions): Promise<LogPosition> {
    if (this.closed) return Promise.reject(new MetaLogError('meta log closed', 'ECLOSED'));
    if (this.failure !== null) return Promise.reject(this.failure);
    const position = this.appended.length;
    this.appended.push(...events);
    this.deferrableFlags.push(options?.deferrable === true);
    return new Promise<LogPosition>((resolve, reject) => {
      this.pending.push({ events, position, resolve, reject });
      const after = this.options.durableAfter ?? 1;
      if (after !== 'manual') this.flushAfter(after);
    });
  }

  /** Makes every pending append durable now (or fails them if a failure was injected). */
  flush(): void {
    const batches = this.pending.splice(0);
    if (batches.length === 0) return;
    if (this.injected !== null || this.failure !== null) {
      this.failure = this.failure ?? this.injected;
      for (const b of batches) b.reject(this.failure);
      return;
    }
    for (const b of batches) {
      this.durable.push(...b.events);
      b.resolve(b.position);
    }
  }

  /** The next flush fails with `code` and the log stays failed (fail-stop). */
  injectFailure(code = 'EIO'): void {
    this.injected = new MetaLogError(`injected ${code}`, code);
  }

  /** Every event handed to `append`, durable or not, in order. */
  appendedEvents(): readonly MetaEvent[] {
    return this.appended;
  }

  /** Per append call, in order: was it marked deferrable (PE-10)? The fake treats both kinds alike. */
  deferrableAppends(): readonly boolean[] {
    return this.deferrableFlags;
  }

  /** The events that became durable, in log order. */
  durableEvents(): readonly MetaEvent[] {
    return this.durable;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  async replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition> {
    const start = Math.max(from, this.truncatedBefore);
    for (let i = start; i < this.durable.length; i++) fn(this.durable[i]!, i);
    return this.durable.length;
  }

  /** The fast path as a log that stores events would take it: every OffsetCommitted as fields. */
  async replayTo(from: LogPosition, sink: ReplaySink): Promise<LogPosition> {
    return this.replay(from, (e, position) => {
      if (e.type === 'OffsetCommitted') sink.offsetCommitted(e.groupId, e.topic, e.partition, e.offset, e.leaderEpoch, e.metadata, e.commitTimestamp, e.expireTimestamp);
      else sink.event(e, position);
    });
  }

  nextPosition(): LogPosition {
    return this.appended.length;
  }

  async truncateBefore(position: LogPosition): Promise<void> {
    this.truncatedBefore = Math.max(this.truncatedBefore, position);
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
  }

  private flushAfter(turns: number): void {
    let p = Promise.resolve();
    for (let i = 1; i < turns; i++) p = p.then(() => undefined);
    void p.then(() => this.flush());
  }
}
