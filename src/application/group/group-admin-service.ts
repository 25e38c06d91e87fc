import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { metadataFor } from '../../domain/group/classic-group';
import { decideDeleteGroup } from '../../domain/group/decide-delete-group';
import type { GroupEvent } from '../../domain/group/events';
import type { GroupHistory } from '../../domain/group/history';
import type { DeleteGroupsResult, DescribedGroup, ListGroupsQuery, ListGroupsResult } from './group-api';
import { GroupStore } from './group-store';
import { GroupWrites } from './group-writes';

const EMPTY = new Uint8Array(0);

/** One group as `groups list` and `GET /groups` show it (PE-13). */
export interface GroupSummary {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string | null;
  readonly generation: number;
  readonly members: number;
  /** When the last rebalance ended (or started, if none ended yet); null if the group never rebalanced. */
  readonly lastRebalanceAt: number | null;
}

/** Admin queries (CG-70…CG-72) and the group history (PE-13): committed reads of the aggregate. */
@injectable()
export class GroupAdminService {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupWrites) private readonly writes: GroupWrites,
  ) {}

  /** DescribeGroups (CG-70): a group whose creation is not durable is Dead (GEN-6). */
  describe(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    const unavailable = this.store.unavailable();
    return groupIds.map((groupId): DescribedGroup => {
      const g = this.store.group(groupId);
      if (unavailable !== null || g === undefined || !this.store.isDurable(groupId)) {
        return {
          errorCode: unavailable ?? (apiVersion >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE),
          errorMessage: unavailable === null && apiVersion >= 6 ? `Group ${groupId} not found.` : null,
          groupId,
          groupState: 'Dead',
          protocolType: '',
          protocolData: '',
          members: [],
        };
      }
      const stable = g.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.instanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? metadataFor(m, g.protocolName).metadata : EMPTY,
          assignment: m.assignment,
        })),
      };
    });
  }

  /** ListGroups (CG-71) with case-insensitive state and type filters. */
  list(query: ListGroupsQuery): ListGroupsResult {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return { errorCode: unavailable, groups: [] };
    const states = new Set(query.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(query.typesFilter.map((s) => s.toLowerCase()));
    const groups: ListGroupsResult['groups'][number][] = [];
    for (const g of this.store.groups()) {
      if (!this.store.isDurable(g.groupId)) continue;
      if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
    }
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** DeleteGroups (CG-72): per group; answered once the tombstones are durable. */
  async delete(groupIds: readonly string[]): Promise<DeleteGroupsResult> {
    const unavailable = this.store.unavailable();
    if (unavailable !== null) return { results: groupIds.map((groupId) => ({ groupId, errorCode: unavailable })) };
    const events: GroupEvent[] = [];
    const results = groupIds.map((groupId) => {
      const decision = decideDeleteGroup(groupId, this.store.group(groupId));
      if (E.isLeft(decision)) return { groupId, errorCode: decision.left.code };
      events.push(...decision.right);
      return { groupId, errorCode: ErrorCode.NONE as ErrorCode };
    });
    if (!(await this.writes.write(events).durable)) {
      return { results: results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : r.errorCode })) };
    }
    return { results };
  }

  /** PE-13: every group with its state and last rebalance. */
  summaries(): GroupSummary[] {
    const out: GroupSummary[] = [];
    for (const g of this.store.groups()) {
      if (!this.store.isDurable(g.groupId)) continue;
      out.push(summarize(g.groupId, g.state, g.protocolType, g.generation, g.members.size, this.store.historyOf(g.groupId)));
    }
    return out;
  }

  /** PE-13: the group's history, or undefined for an unknown group. */
  history(groupId: string): { readonly summary: GroupSummary; readonly history: GroupHistory } | undefined {
    const g = this.store.group(groupId);
    if (g === undefined || !this.store.isDurable(groupId)) return undefined;
    const history = this.store.historyOf(groupId) ?? { groupId, generations: [], leftSinceGeneration: [], openedAt: null, notes: [] };
    return { summary: summarize(groupId, g.state, g.protocolType, g.generation, g.members.size, history), history };
  }
}

/** The summary line of one group. */
export const summarize = (
  groupId: string,
  state: string,
  protocolType: string | null,
  generation: number,
  members: number,
  history: GroupHistory | undefined,
): GroupSummary => {
  const last = history?.generations[history.generations.length - 1];
  return { groupId, state, protocolType, generation, members, lastRebalanceAt: history?.openedAt ?? last?.endedAt ?? last?.joinedAt ?? null };
};
