import { ErrorCode } from '../domain/error-code';

/** KIP-227 epochs: 0 asks for a new session, -1 for no session; a session's epochs run 1, 2, … and wrap to 1. */
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
const nextEpoch = (e: number): number => (e === FINAL_EPOCH ? FINAL_EPOCH : e >= 2147483647 ? 1 : e + 1);

/** One partition a fetch asks for (or a session remembers). */
export interface SessionPartition {
  /** Topic name; null when a v13+ request names an unknown topic id. */
  readonly topic: string | null;
  readonly topicId: string;
  readonly partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  logStartOffset: bigint;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
}

/** What the broker last told the session about a partition (Kafka's CachedPartition response fields). */
interface Cached extends SessionPartition {
  highWatermark: bigint;
  seenLogStartOffset: bigint;
}

/** A partition's answer, as far as the session cache cares. */
export interface PartitionOutcome {
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  readonly errorCode: number;
  readonly recordBytes: number;
}

class FetchSession {
  epoch = nextEpoch(INITIAL_EPOCH);
  lastUsedMs: number;
  readonly partitions = new Map<string, Cached>();

  constructor(
    readonly id: number,
    readonly usesTopicIds: boolean,
    readonly createdMs: number,
  ) {
    this.lastUsedMs = createdMs;
  }
}

/** How one Fetch request is served (Kafka's FetchContext kinds). */
export type FetchContext =
  | { readonly kind: 'error'; readonly errorCode: number }
  | { readonly kind: 'sessionless'; readonly partitions: ReadonlyArray<SessionPartition> }
  | { readonly kind: 'full'; readonly partitions: ReadonlyArray<SessionPartition>; readonly usesTopicIds: boolean }
  | { readonly kind: 'incremental'; readonly session: FetchSession; readonly partitions: ReadonlyArray<SessionPartition> };

/** A partition's identity inside a session: by topic id from Fetch v13, by name before. */
export const partitionKey = (p: { readonly topic: string | null; readonly topicId: string; readonly partition: number }, usesTopicIds: boolean): string =>
  `${usesTopicIds ? p.topicId : p.topic}\u0000${p.partition}`;

/**
 * The incremental fetch session cache of KIP-227 (Kafka's FetchManager and FetchSessionCache),
 * bounded by max.incremental.fetch.session.cache.slots. A session is soft state: lost on restart,
 * when clients get FETCH_SESSION_ID_NOT_FOUND and start a new one.
 *
 * Eviction as in Kafka for consumer (unprivileged) sessions: a new session may take the slot of
 * the least recently used session if that one is stale (unused for `evictionMs`, Kafka's
 * min.incremental.fetch.session.eviction.ms = 120 s); otherwise of the smallest session created
 * more than `evictionMs` ago, and only if the new one has strictly more partitions.
 */
export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    private readonly maxSlots: number,
    private readonly now: () => number,
    private readonly evictionMs = 120_000,
    private readonly randomId: () => number = () => 1 + Math.floor(Math.random() * 2147483646),
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Decides how a request is served and updates the session it names (Kafka's FetchManager.newContext). */
  newContext(
    meta: { readonly sessionId: number; readonly epoch: number },
    requested: ReadonlyArray<SessionPartition>,
    forgotten: ReadonlyArray<{ readonly topic: string | null; readonly topicId: string; readonly partition: number }>,
    usesTopicIds: boolean,
  ): FetchContext {
    if (meta.epoch === INITIAL_EPOCH || meta.epoch === FINAL_EPOCH) {
      // Any session named by a full request is closed.
      if (meta.sessionId !== 0) this.sessions.delete(meta.sessionId);
      return meta.epoch === FINAL_EPOCH ? { kind: 'sessionless', partitions: requested } : { kind: 'full', partitions: requested, usesTopicIds };
    }
    const session = this.sessions.get(meta.sessionId);
    if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (session.epoch !== meta.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    if (session.usesTopicIds !== usesTopicIds) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR };
    for (const p of requested) {
      const key = partitionKey(p, usesTopicIds);
      const had = session.partitions.get(key);
      if (had === undefined) session.partitions.set(key, { ...p, highWatermark: -1n, seenLogStartOffset: -1n });
      else Object.assign(had, { fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, logStartOffset: p.logStartOffset, currentLeaderEpoch: p.currentLeaderEpoch, lastFetchedEpoch: p.lastFetchedEpoch });
    }
    for (const f of forgotten) session.partitions.delete(partitionKey(f, usesTopicIds));
    if (session.partitions.size === 0) {
      this.sessions.delete(session.id);
      return { kind: 'sessionless', partitions: requested };
    }
    session.lastUsedMs = this.now();
    session.epoch = nextEpoch(session.epoch);
    return { kind: 'incremental', session, partitions: [...session.partitions.values()] };
  }

  /**
   * After a full request's answer: caches the partitions' state in a new session if a slot is free
   * (or can be freed by eviction); resolves with its id, or 0 (no session: the client stays on full requests).
   */
  createSession(ctx: Extract<FetchContext, { kind: 'full' }>, outcomes: ReadonlyMap<string, PartitionOutcome>): number {
    if (this.maxSlots <= 0 || ctx.partitions.length === 0) return 0;
    const now = this.now();
    if (this.sessions.size >= this.maxSlots && !this.tryEvict(ctx.partitions.length, now)) return 0;
    let id = this.randomId();
    while (this.sessions.has(id)) id = this.randomId();
    const session = new FetchSession(id, ctx.usesTopicIds, now);
    for (const p of ctx.partitions) {
      const key = partitionKey(p, ctx.usesTopicIds);
      const o = outcomes.get(key);
      session.partitions.set(key, {
        ...p,
        highWatermark: o === undefined || o.errorCode !== ErrorCode.NONE ? -1n : o.highWatermark,
        seenLogStartOffset: o?.logStartOffset ?? -1n,
      });
    }
    this.sessions.set(id, session);
    return id;
  }

  /**
   * After an incremental request's answer: which partitions the response must carry (Kafka's
   * CachedPartition.maybeUpdateResponseData — new records, a changed high watermark or log start
   * offset, or an error), updating what the session remembers.
   */
  mustRespond(ctx: Extract<FetchContext, { kind: 'incremental' }>, key: string, o: PartitionOutcome): boolean {
    const cached = ctx.session.partitions.get(key);
    if (cached === undefined) return true;
    let must = o.recordBytes > 0;
    if (cached.highWatermark !== o.highWatermark) {
      must = true;
      cached.highWatermark = o.highWatermark;
    }
    if (cached.seenLogStartOffset !== o.logStartOffset) {
      must = true;
      cached.seenLogStartOffset = o.logStartOffset;
    }
    if (o.errorCode !== ErrorCode.NONE) {
      // Forget the high watermark so the partition is sent again once the error is gone.
      cached.highWatermark = -1n;
      must = true;
    }
    return must;
  }

  private tryEvict(size: number, now: number): boolean {
    let oldest: FetchSession | null = null;
    for (const s of this.sessions.values()) if (oldest === null || s.lastUsedMs < oldest.lastUsedMs) oldest = s;
    if (oldest === null) return false;
    if (now - oldest.lastUsedMs > this.evictionMs) {
      this.sessions.delete(oldest.id);
      return true;
    }
    // Only sessions older than the eviction time may be displaced, the smallest (then lowest id) first.
    let smallest: FetchSession | null = null;
    for (const s of this.sessions.values()) {
      if (now - s.createdMs <= this.evictionMs) continue;
      if (smallest === null || s.partitions.size < smallest.partitions.size || (s.partitions.size === smallest.partitions.size && s.id < smallest.id)) smallest = s;
    }
    if (smallest === null || size <= smallest.partitions.size) return false;
    this.sessions.delete(smallest.id);
    return true;
  }
}
