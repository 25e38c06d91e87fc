import type { ClassicGroup } from './classic-group';
import type { ConsumerGroup } from './consumer/consumer-group';

/** A group of either type: classic (JoinGroup/SyncGroup) or KIP-848 consumer (ConsumerGroupHeartbeat). */
export type Group = ClassicGroup | ConsumerGroup;

export type { CommittedOffset, GroupOffsets } from './committed-offsets';

/** Every group's aggregate. Folded by `evolve`; owned by whoever folds it. */
export interface GroupsState {
  readonly groups: Map<string, Group>;
}

/** The state before any event. */
export const initialGroupsState = (): GroupsState => ({ groups: new Map() });

