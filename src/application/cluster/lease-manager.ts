import type { Clock } from '../../ports/clock';
import type { ClusterKv, KvEntry } from '../../ports/cluster-kv';
import type { Logger } from '../../ports/logger';
import type { Scheduler } from '../../ports/scheduler';

/** A broker as the registry and the leases name it. */
export interface BrokerEndpoint {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface LeaseManagerOptions {
  readonly self: BrokerEndpoint;
  /** Every lease key this cluster has (`shard.0` … `shard.N-1`, `shard.meta`). */
  readonly keys: readonly string[];
  /**
   * Keys that come and go with the metadata (partition leases `part.<topic>.<n>`), read at every
   * tick. Each family (the key's first dot-separated word) is shared out on its own, so partitions
   * are spread over the brokers as evenly as shards are.
   */
  readonly dynamicKeys?: () => readonly string[];
  /** Keys never released voluntarily (the metadata shard: moving it moves the controller). */
  readonly sticky: ReadonlySet<string>;
  readonly ttlMs: number;
}

export interface LeaseListener {
  /** This broker now owns `key` at lease `revision` (load the shard, then fence its log). */
  acquired(key: string, revision: number): void;
  /** This broker no longer owns `key`: stop serving it at once. */
  lost(key: string): void;
}

interface Seen {
  readonly value: BrokerEndpoint | null;
  readonly revision: number;
  /** When this broker first saw this revision (its own clock): expiry needs no clock agreement. */
  readonly seenAt: number;
}

const BROKER_PREFIX = 'broker.';

/** A lease key's family: `shard` for `shard.7`, `part` for `part.orders.3`. */
const familyOf = (key: string): string => key.slice(0, Math.max(0, key.indexOf('.')));

/**
 * Shard leases and the live-broker registry on the cluster KV (docs/scale-out.md). Every TTL/3 a
 * broker re-registers, renews its leases with compare-and-set on their revision, and takes unowned
 * or expired leases up to its fair share. A lease is valid for TTL after its renewal *started*; a
 * contender waits a whole TTL after it first saw the last revision, so the owner always stops first.
 */
export class LeaseManager {
  private readonly seen = new Map<string, Seen>();
  private readonly owned = new Map<string, { revision: number; renewedAt: number }>();
  private stopped = false;
  private ticking = false;
  private startedAt = 0;
  /** Last time the watch delivered anything: this broker's own registration echoes back every tick. */
  private lastWatchEventAt = 0;

  constructor(
    private readonly kv: ClusterKv,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly o: LeaseManagerOptions,
    private readonly listener: LeaseListener,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.startedAt = this.clock.now();
    this.lastWatchEventAt = this.startedAt;
    await this.kv.watch((e) => this.onEntry(e));
    await this.register();
    this.scheduleTick(0);
    this.scheduleCheck();
  }

  /** True while this broker holds `key` and its last renewal is younger than the TTL. */
  owns(key: string): boolean {
    const o = this.owned.get(key);
    if (o === undefined) return false;
    if (this.clock.now() - o.renewedAt >= this.o.ttlMs) {
      this.lose(key, 'lease not renewed within its TTL');
      return false;
    }
    return true;
  }

  /** The broker holding `key` as far as this broker knows, or null while nobody validly holds it. */
  ownerOf(key: string): BrokerEndpoint | null {
    if (this.owns(key)) return this.o.self;
    const s = this.seen.get(key);
    if (s === undefined || s.value === null || s.value.nodeId === this.o.self.nodeId) return null;
    return this.clock.now() - s.seenAt < this.o.ttlMs ? s.value : null;
  }

  /** Brokers whose registration changed within the TTL, this one included, by node id. */
  liveBrokers(): BrokerEndpoint[] {
    const now = this.clock.now();
    const live = new Map<number, BrokerEndpoint>([[this.o.self.nodeId, this.o.self]]);
    for (const [key, s] of this.seen) {
      if (key.startsWith(BROKER_PREFIX) && s.value !== null && now - s.seenAt < this.o.ttlMs) live.set(s.value.nodeId, s.value);
    }
    return [...live.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  ownedKeys(): string[] {
    return [...this.owned.keys()].filter((k) => this.owns(k));
  }

  /** Gives one lease back at once (a failed shard log): unload, then delete the key. */
  release(key: string): void {
    if (!this.owned.has(key)) return;
    this.lose(key, 'released');
    void this.kv.delete(key).catch(() => undefined);
  }

  /** Stops renewing; `release` deletes the leases so others take over at once (clean shutdown). */
  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    this.scheduler.cancel('lease-tick');
    this.scheduler.cancel('lease-check');
    const keys = [...this.owned.keys()];
    for (const k of keys) this.lose(k, 'broker stopping');
    if (release) for (const k of keys) await this.kv.delete(k).catch(() => undefined);
    await this.kv.delete(`${BROKER_PREFIX}${this.o.self.nodeId}`).catch(() => undefined);
    await this.kv.close();
  }

  private onEntry(e: KvEntry): void {
    this.lastWatchEventAt = this.clock.now();
    const prev = this.seen.get(e.key);
    if (prev !== undefined && prev.revision >= e.revision) return;
    let value: BrokerEndpoint | null = null;
    if (e.value !== null) {
      try {
        value = JSON.parse(e.value) as BrokerEndpoint;
      } catch {
        value = null;
      }
    }
    this.seen.set(e.key, { value, revision: e.revision, seenAt: this.clock.now() });
    // Someone else wrote a lease this broker thinks it holds: it was deposed.
    const mine = this.owned.get(e.key);
    if (mine !== undefined && e.revision !== mine.revision && (value === null || value.nodeId !== this.o.self.nodeId)) this.lose(e.key, 'lease taken over');
  }

  private register(): Promise<number> {
    return this.kv.put(`${BROKER_PREFIX}${this.o.self.nodeId}`, JSON.stringify(this.o.self));
  }

  private scheduleTick(delay: number): void {
    if (this.stopped) return;
    this.scheduler.schedule('lease-tick', delay, () => {
      void this.tick().finally(() => this.scheduleTick(Math.max(50, Math.min(1000, Math.floor(this.o.ttlMs / 3)))));
    });
  }

  /** The owner steps down the moment its lease runs out, even with no request to notice it. */
  private scheduleCheck(): void {
    if (this.stopped) return;
    this.scheduler.schedule('lease-check', Math.max(20, Math.floor(this.o.ttlMs / 20)), () => {
      for (const k of [...this.owned.keys()]) this.owns(k);
      this.scheduleCheck();
    });
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const registered = await this.register().then(() => true, (err: Error) => {
        this.log.warn({ err: err.message }, 'broker registration failed');
        return false;
      });
      // The registration was stored but no watch event arrived for a whole TTL: the watch is dead (a
      // reconnect it did not survive); without it other brokers' renewals would look like expiries.
      if (registered && this.clock.now() - this.lastWatchEventAt > this.o.ttlMs) {
        this.log.warn({}, 'lease watch silent for a TTL; restarting it');
        this.lastWatchEventAt = this.clock.now();
        await this.kv.close().catch(() => undefined);
        await this.kv.watch((e) => this.onEntry(e)).catch((err: Error) => this.log.warn({ err: err.message }, 'lease watch restart failed'));
      }
      await Promise.all([...this.owned.entries()].map(([k, o]) => this.renew(k, o.revision)));
      await this.acquire();
    } finally {
      this.ticking = false;
    }
  }

  private async renew(key: string, revision: number): Promise<void> {
    const started = this.clock.now();
    try {
      const next = await this.kv.update(key, JSON.stringify(this.o.self), revision);
      const o = this.owned.get(key);
      if (o === undefined || o.revision !== revision) return;
      if (next === null) return this.lose(key, 'lease renewal refused');
      this.owned.set(key, { revision: next, renewedAt: started });
    } catch (err) {
      // Unreachable bucket: keep the lease until it runs out (owns() steps down then).
      this.log.warn({ key, err: (err as Error).message }, 'lease renewal failed');
    }
  }

  /**
   * How many ordinary (non-sticky) leases this broker should hold: the controller (holder of a
   * sticky lease: the metadata shard) holds none while another broker is
   * live; the others share them evenly.
   */
  private fairShare(live: readonly BrokerEndpoint[], family: string): number {
    const ordinary = this.allKeys().filter((k) => !this.o.sticky.has(k) && familyOf(k) === family).length;
    if (live.length <= 1) return ordinary;
    const mine = [...this.o.sticky].some((k) => this.owns(k));
    if (mine) return 0;
    const controllerLive = [...this.o.sticky].some((k) => {
      const owner = this.ownerOf(k);
      return owner !== null && live.some((b) => b.nodeId === owner.nodeId);
    });
    return Math.ceil(ordinary / Math.max(1, live.length - (controllerLive ? 1 : 0)));
  }

  private ordinaryOwned(family: string): number {
    return [...this.owned.keys()].filter((k) => !this.o.sticky.has(k) && familyOf(k) === family).length;
  }

  private allKeys(): readonly string[] {
    return this.o.dynamicKeys === undefined ? this.o.keys : [...this.o.keys, ...this.o.dynamicKeys()];
  }

  private async acquire(): Promise<void> {
    const now = this.clock.now();
    const live = this.liveBrokers();
    // Let other brokers register for one TTL before handing leases back.
    const warm = now - this.startedAt >= this.o.ttlMs;
    // Start at a node-specific offset, so brokers starting together contend on different keys first.
    const keys = this.allKeys();
    const start = (this.o.self.nodeId * 7) % Math.max(1, keys.length);
    const order = [...keys.slice(start), ...keys.slice(0, start)].sort((a, b) => Number(this.o.sticky.has(b)) - Number(this.o.sticky.has(a)));
    const fair = new Map<string, number>();
    const fairOf = (family: string): number => {
      let n = fair.get(family);
      if (n === undefined) {
        n = this.fairShare(live, family);
        fair.set(family, n);
      }
      return n;
    };
    for (const key of order) {
      const sticky = this.o.sticky.has(key);
      if (!sticky && this.ordinaryOwned(familyOf(key)) >= fairOf(familyOf(key))) continue;
      if (this.owned.has(key)) continue;
      const s = this.seen.get(key);
      let revision: number | null = null;
      try {
        if (s === undefined || s.value === null) {
          revision = s === undefined ? await this.kv.create(key, JSON.stringify(this.o.self)) : await this.kv.update(key, JSON.stringify(this.o.self), s.revision);
        } else if (s.value.nodeId === this.o.self.nodeId || now - s.seenAt >= this.o.ttlMs) {
          // Expired (or this broker's own lease from before a restart): take it over by CAS.
          revision = await this.kv.update(key, JSON.stringify(this.o.self), s.revision);
        }
      } catch (err) {
        this.log.warn({ key, err: (err as Error).message }, 'lease acquisition failed');
        return;
      }
      if (revision === null) continue;
      this.owned.set(key, { revision, renewedAt: now });
      this.log.info({ key, revision }, 'lease acquired');
      this.listener.acquired(key, revision);
    }
    if (warm && live.length > 1) {
      const families = new Set([...this.owned.keys()].filter((k) => !this.o.sticky.has(k)).map(familyOf));
      for (const family of families) await this.releaseExtra(family, this.fairShare(live, family));
    }
  }

  /** Hands leases beyond the fair share back (unload first, then delete the key: others take it at once). */
  private async releaseExtra(family: string, fair: number): Promise<void> {
    const mine = [...this.owned.keys()].filter((k) => !this.o.sticky.has(k) && familyOf(k) === family);
    // A key no longer in the metadata (a deleted topic's partition) goes first.
    const known = new Set(this.allKeys());
    const gone = mine.filter((k) => !known.has(k));
    const extra = [...gone, ...mine.filter((k) => known.has(k)).slice(0, Math.max(0, mine.length - gone.length - fair))];
    for (const key of extra) {
      this.lose(key, 'rebalancing leases across brokers');
      await this.kv.delete(key).catch(() => undefined);
    }
  }

  private lose(key: string, reason: string): void {
    if (!this.owned.delete(key)) return;
    this.log.warn({ key, reason }, 'lease lost');
    this.listener.lost(key);
  }
}
