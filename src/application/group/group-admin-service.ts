import 'reflect-metadata';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { memberAssignment, metadataFor } from '../../domain/group/classic-group';
import { decideDeleteGroup } from '../../domain/group/decide-delete-group';
import type { GroupEvent } from '../../domain/group/events';
import { expandHistory, type GroupHistory } from '../../domain/group/history';
import type { DeleteGroupsResult, DescribedConsumerGroup, DescribedGroup, ListGroupsQuery, ListGroupsResult, NamedTopicPartitions } from './group-api';
import { GroupStore } from './group-store';
import { GroupWrites } from './group-writes';
import { overviewOf } from '../../domain/group/group-overview';
import { consumerGroupState, type ConsumerGroup } from '../../domain/group/consumer/consumer-group';
import type { Assignment } from '../../domain/group/consumer/assignment';
import { TOPIC_METADATA, type TopicMetadataSource } from '../../ports/topic-metadata';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';

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
    @inject(TOPIC_METADATA) private readonly topics: TopicMetadataSource,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {}

  /** ConsumerGroupDescribe (KC-50): KIP-848 groups only; committed reads (GEN-6). */
  describeConsumerGroups(groupIds: readonly string[]): DescribedConsumerGroup[] {
    const unavailable = this.store.unavailable();
    return groupIds.map((groupId): DescribedConsumerGroup => {
      const none = (errorCode: ErrorCode, errorMessage: string | null): DescribedConsumerGroup => ({
        errorCode, errorMessage, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [],
      });
      if (unavailable !== null) return none(unavailable, null);
      if (groupId.trim() === '') return none(ErrorCode.INVALID_GROUP_ID, 'Group id can\'t be empty.');
      const g = this.store.consumerGroup(groupId);
      if (g === undefined || !this.store.isDurable(groupId)) return none(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
      return this.describeConsumer(g);
    });
  }

  private describeConsumer(g: ConsumerGroup): DescribedConsumerGroup {
    const names = new Map(g.subscriptionMetadata.map((t) => [t.topicId, t.name] as const));
    const named = (a: Assignment): NamedTopicPartitions[] =>
      a.map((t) => ({ topicId: t.topicId, topicName: names.get(t.topicId) ?? this.topics.getById(t.topicId)?.name ?? '', partitions: t.partitions }));
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId: g.groupId,
      groupState: consumerGroupState(g),
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: g.assignor ?? this.config.consumerAssignors[0] ?? 'uniform',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex,
        assignment: named(m.assigned),
        targetAssignment: named(g.targets.get(m.memberId) ?? []),
      })),
    };
  }

  /** DescribeGroups (CG-70): a group whose creation is not durable is Dead (GEN-6). */
  describe(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    const unavailable = this.store.unavailable();
    return groupIds.map((groupId): DescribedGroup => {
      // CG-70: DescribeGroups describes classic groups; a KIP-848 group reads as missing (ConsumerGroupDescribe serves it).
      const g = this.store.classicGroup(groupId);
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
          assignment: memberAssignment(m),
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
      const o = overviewOf(g);
      if (states.size > 0 && !states.has(o.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(o.type)) continue;
      groups.push({ groupId: g.groupId, protocolType: o.protocolType ?? '', groupState: o.state as ListGroupsResult['groups'][number]['groupState'], groupType: o.type });
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
      const o = overviewOf(g);
      out.push(summarize(g.groupId, o.state, o.protocolType, o.generation, o.members, this.store.historyOf(g.groupId)));
    }
    return out;
  }

  /** PE-13: the group's history, or undefined for an unknown group. */
  history(groupId: string): { readonly summary: GroupSummary; readonly history: GroupHistory } | undefined {
    const g = this.store.group(groupId);
    if (g === undefined || !this.store.isDurable(groupId)) return undefined;
    const stored = this.store.historyOf(groupId);
    const history: GroupHistory = stored === undefined ? { groupId, generations: [], leftSinceGeneration: [], openedAt: null, notes: [] } : expandHistory(stored);
    const o = overviewOf(g);
    return { summary: summarize(groupId, o.state, o.protocolType, o.generation, o.members, history), history };
  }
}

/** What a summary reads of a history, stored or expanded: when its last rebalance started or ended. */
export interface HistoryTimes {
  readonly openedAt: number | null;
  readonly generations: ReadonlyArray<{ readonly joinedAt: number; readonly endedAt: number | null }>;
}

/** The summary line of one group. */
export const summarize = (
  groupId: string,
  state: string,
  protocolType: string | null,
  generation: number,
  members: number,
  history: HistoryTimes | undefined,
): GroupSummary => {
  const last = history?.generations[history.generations.length - 1];
  return { groupId, state, protocolType, generation, members, lastRebalanceAt: history?.openedAt ?? last?.endedAt ?? last?.joinedAt ?? null };
};
