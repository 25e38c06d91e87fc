import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { Group } from './groups-state';
import type { GroupEvent } from './events';

/** CG-72: only an Empty (or simple) group may be deleted; its offsets go with it (one tombstone, PE-4). */
export const decideDeleteGroup = (groupId: string, group: Group | undefined): E.Either<KafkaError, GroupEvent[]> => {
  if (group === undefined) return E.left(kafkaError(ErrorCode.GROUP_ID_NOT_FOUND));
  if (group.kind === 'consumer') {
    // CG-72 / PE-6: a KIP-848 group must have no members; its records go with the group.
    if (group.members.size > 0) return E.left(kafkaError(ErrorCode.NON_EMPTY_GROUP));
    return E.right([{ type: 'GroupDeleted', groupId }]);
  }
  if (group.state === 'Dead') return E.left(kafkaError(ErrorCode.GROUP_ID_NOT_FOUND));
  if (group.state !== 'Empty') return E.left(kafkaError(ErrorCode.NON_EMPTY_GROUP));
  return E.right([{ type: 'GroupDeleted', groupId }]);
};
