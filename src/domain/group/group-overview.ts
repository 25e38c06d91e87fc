import { consumerGroupState } from './consumer/consumer-group';
import type { Group } from './groups-state';

/** A group of either type as ListGroups, `groups list` and the metrics see it (CG-71, KC-3). */
export interface GroupOverview {
  readonly type: 'classic' | 'consumer';
  /** Classic state names, or the KIP-848 group state (Empty, Assigning, Reconciling, Stable). */
  readonly state: string;
  /** "consumer" for KIP-848 groups, "" / null for simple groups. */
  readonly protocolType: string | null;
  /** The generation, or the group epoch of a KIP-848 group. */
  readonly generation: number;
  readonly members: number;
}

export const overviewOf = (g: Group): GroupOverview =>
  g.kind === 'classic'
    ? { type: 'classic', state: g.state, protocolType: g.protocolType, generation: g.generation, members: g.members.size }
    : { type: 'consumer', state: consumerGroupState(g), protocolType: 'consumer', generation: g.groupEpoch, members: g.members.size };
