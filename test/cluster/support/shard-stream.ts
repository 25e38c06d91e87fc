import { connect } from 'nats';

/** Every message of a shard stream as (sequence, owner header, fence?) — the split-brain oracle reads this. */
export const readShardOwners = async (servers: string[], stream: string): Promise<Array<{ seq: number; owner: string; fence: boolean }>> => {
  const nc = await connect({ servers });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    if (info.state.messages === 0) return [];
    const out: Array<{ seq: number; owner: string; fence: boolean }> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m === null) continue;
      out.push({ seq, owner: m.header.get('Cohort-Owner') ?? '', fence: m.header.has('Cohort-Fence') });
    }
    return out;
  } finally {
    await nc.close();
  }
};

/** Owners in stream order must form runs: once a newer owner has written, an older one never appears again. */
export const interleavedOwners = (messages: ReadonlyArray<{ owner: string }>): string[] => {
  const finished = new Set<string>();
  const bad: string[] = [];
  let current: string | null = null;
  for (const m of messages) {
    if (m.owner === current) continue;
    if (finished.has(m.owner)) bad.push(m.owner);
    if (current !== null) finished.add(current);
    current = m.owner;
  }
  return bad;
};
