import type { MetaEvent } from '../../src/domain/meta-event';

/**
 * The ledger oracle of reliability.md C1 for offset commits: every commit sent and every commit
 * acknowledged, per (group, topic, partition). Offsets only grow per key, so "the last acked
 * commit or a later sent one" (P1, P3) is a set check.
 */
export interface LedgerCounts {
  lost_acked: number;
  phantom: number;
  time_travel: number;
  open_failures: number;
}

export type OffsetState = Map<string, number>;

export const keyOf = (e: { groupId: string; topic: string; partition: number }): string => `${e.groupId}/${e.topic}/${e.partition}`;

/** Folds one event into the offsets state (latest value per key), as the coordinator would. */
export const applyEvent = (state: OffsetState, e: MetaEvent): void => {
  if (e.type === 'OffsetCommitted') state.set(keyOf(e), e.offset);
};

export class OffsetLedger {
  private readonly sent = new Map<string, Set<number>>();
  private readonly acked = new Map<string, number>();

  send(key: string, offset: number): void {
    let s = this.sent.get(key);
    if (s === undefined) this.sent.set(key, (s = new Set()));
    s.add(offset);
  }

  ack(key: string, offset: number): void {
    this.acked.set(key, Math.max(this.acked.get(key) ?? -1, offset));
  }

  /** P1/P3: each key holds its last acked offset or a later sent one; nothing that was never sent. */
  check(state: OffsetState, counts: LedgerCounts): void {
    for (const [key, acked] of this.acked) {
      const v = state.get(key);
      if (v === undefined || v < acked) counts.lost_acked++;
    }
    for (const [key, v] of state) {
      if (!(this.sent.get(key)?.has(v) ?? false)) counts.phantom++;
    }
  }
}

/** P4: two reads with no commit in between must agree. */
export const countTimeTravel = (before: OffsetState, after: OffsetState, counts: LedgerCounts): void => {
  for (const [key, v] of before) if (after.get(key) !== v) counts.time_travel++;
  for (const key of after.keys()) if (!before.has(key)) counts.time_travel++;
};
