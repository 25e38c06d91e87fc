import * as E from 'fp-ts/Either';
import type { KafkaError } from '../domain/error-code';
import type { TopicEvent } from '../domain/topic/events';
import type { TopicsState, Topic } from '../domain/topic/topic-state';
import { initialTopics } from '../domain/topic/topic-state';
import { evolveTopic } from '../domain/topic/evolve-topic';
import { decideCreateTopic, type CreateTopicCommand, type CreateTopicOutcome } from '../domain/topic/decide-create-topic';
import { decideCreatePartitions } from '../domain/topic/decide-create-partitions';
import { decideDeleteTopic, type DeleteTopicTarget } from '../domain/topic/decide-delete-topic';
import { decideAlterTopicConfigs, type AlterTopicConfigsCommand } from '../domain/topic/decide-alter-topic-configs';
import { topicSnapshotEvents } from '../domain/topic/topic-snapshot';
import { topicLogSettings, topicStorageSettings, type BrokerConfigLayers, type TopicLogSettings, type TopicStorageSettings } from '../domain/topic/topic-configs';
import { isBrokerConfigEvent, type BrokerConfigEvent } from '../domain/config/broker-config-events';
import {
  brokerConfigSnapshotEvents, effectiveBrokerSettings, evolveBrokerConfigs, initialDynamicBrokerConfigs, type DynamicBrokerConfigs,
} from '../domain/config/dynamic-broker-configs';
import { decideAlterBrokerConfigs, type AlterBrokerConfigsCommand } from '../domain/config/decide-alter-broker-configs';
import type { TopicIdGenerator } from '../domain/topic/topic-id';
import type { MetaLog } from '../ports/meta-log';
import type { PartitionLog, PartitionLogStore } from '../ports/partition-log';
import type { TopicCatalog, TopicView } from './topic-catalog';

export interface TopicServiceConfig {
  readonly autoCreateTopics: boolean;
  readonly numPartitions: number;
  readonly nodeId: number;
  /** Broker-level settings that topic configs fall back to (e.g. message.max.bytes, log.retention.ms). */
  readonly brokerSettings: ReadonlyMap<string, string>;
}

const view = (t: Topic): TopicView => ({ name: t.name, topicId: t.topicId, partitions: t.partitions });

/** What TopicService folds: topic metadata and the dynamic broker configs topics default to. */
type TopicServiceEvent = TopicEvent | BrokerConfigEvent;

/** A topic's parsed settings and the two config maps they were parsed from. */
interface ParsedTopicSettings {
  readonly configs: ReadonlyMap<string, string>;
  readonly broker: DynamicBrokerConfigs;
  readonly log: TopicLogSettings;
  readonly storage: TopicStorageSettings;
}

/**
 * Topic metadata as MetaLog events (TopicCreated, PartitionsAdded, TopicConfigChanged, TopicDeleted),
 * folded like group state. Decisions see the live state; reads see the durable state (GEN-6's rule,
 * applied to topics); a request is answered only after its events are durable (GEN-5).
 */
export class TopicService implements TopicCatalog {
  private live: TopicsState = initialTopics;
  private durable: TopicsState = initialTopics;
  private liveBroker: DynamicBrokerConfigs = initialDynamicBrokerConfigs;
  private durableBroker: DynamicBrokerConfigs = initialDynamicBrokerConfigs;
  private readonly logs = new Map<string, Promise<PartitionLog>>();
  private readonly changeListeners: Array<() => void> = [];
  private readonly parsedSettings = new Map<string, ParsedTopicSettings>();

  constructor(
    private readonly metaLog: MetaLog,
    private readonly store: PartitionLogStore,
    private readonly config: TopicServiceConfig,
    private readonly newTopicId: TopicIdGenerator,
    private readonly now: () => number,
  ) {}

  /** Folds a replayed or snapshot event; during recovery live and durable are the same. */
  applyReplayed(event: TopicServiceEvent): void {
    if (isBrokerConfigEvent(event)) {
      this.liveBroker = evolveBrokerConfigs(this.liveBroker, event);
      this.durableBroker = evolveBrokerConfigs(this.durableBroker, event);
      return;
    }
    this.live = evolveTopic(this.live, event);
    this.durable = evolveTopic(this.durable, event);
  }

  /**
   * Events rebuilding every topic and broker-config event appended so far (durable or not): the
   * MetaJournal captures them with the log's next position and writes the snapshot once that
   * position is durable.
   */
  snapshotEvents(): TopicServiceEvent[] {
    return [...brokerConfigSnapshotEvents(this.liveBroker), ...topicSnapshotEvents(this.live)];
  }

  state(): TopicsState {
    return this.durable;
  }

  list(): readonly TopicView[] {
    return [...this.durable.topics.values()].map(view);
  }

  get(name: string): TopicView | undefined {
    const t = this.durable.topics.get(name);
    return t === undefined ? undefined : view(t);
  }

  getById(topicId: string): TopicView | undefined {
    const name = this.durable.nameById.get(topicId);
    return name === undefined ? undefined : this.get(name);
  }

  autoCreateEnabled(): boolean {
    return this.config.autoCreateTopics;
  }

  /** Overrides of a topic (DescribeConfigs), or undefined for an unknown topic. */
  overridesOf(name: string): ReadonlyMap<string, string> | undefined {
    return this.durable.topics.get(name)?.configs;
  }

  /** The broker settings in force: static ones with the dynamic ones (AlterConfigs) on top. */
  brokerSettings(): ReadonlyMap<string, string> {
    return effectiveBrokerSettings(this.config.brokerSettings, this.durableBroker);
  }

  /** Static and dynamic broker settings apart (DescribeConfigs sources and synonyms). */
  brokerLayers(): BrokerConfigLayers {
    return { static: this.config.brokerSettings, dynamic: this.durableBroker };
  }

  /** The log settings (max.message.bytes, retention, segment size) of an existing topic. */
  logSettings(name: string): TopicLogSettings | undefined {
    return this.settingsOf(name)?.log;
  }

  /** Segment, retention and compaction settings of an existing topic. */
  storageSettings(name: string): TopicStorageSettings | undefined {
    return this.settingsOf(name)?.storage;
  }

  /**
   * Both settings of a topic, parsed once per version of its overrides and the dynamic broker
   * configs (every Produce asks): both maps are replaced, never changed in place, by their folds.
   */
  private settingsOf(name: string): ParsedTopicSettings | undefined {
    const t = this.durable.topics.get(name);
    if (t === undefined) return undefined;
    const known = this.parsedSettings.get(name);
    if (known !== undefined && known.configs === t.configs && known.broker === this.durableBroker) return known;
    const layers = this.brokerLayers();
    const fresh = { configs: t.configs, broker: this.durableBroker, log: topicLogSettings(t.configs, layers), storage: topicStorageSettings(t.configs, layers) };
    this.parsedSettings.set(name, fresh);
    return fresh;
  }

  /** Topic partitions whose cleanup.policy includes compact (the log cleaner's work list). */
  compactedPartitions(): Array<{ topic: string; partition: number }> {
    const out: Array<{ topic: string; partition: number }> = [];
    for (const t of this.durable.topics.values()) {
      if (!this.settingsOf(t.name)?.storage.cleanupCompact) continue;
      for (let p = 0; p < t.partitions; p++) out.push({ topic: t.name, partition: p });
    }
    return out;
  }

  async autoCreate(name: string): Promise<TopicView | KafkaError> {
    const result = await this.create({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], validateOnly: false });
    if (E.isLeft(result)) {
      // Two clients racing to auto-create one topic: the loser sees the winner's topic.
      return this.get(name) ?? result.left;
    }
    return this.get(name) ?? { name, topicId: result.right.topicId, partitions: result.right.numPartitions };
  }

  /** CreateTopics for one topic; with validate_only nothing is written. */
  async create(cmd: CreateTopicCommand): Promise<E.Either<KafkaError, CreateTopicOutcome>> {
    const decision = decideCreateTopic(this.live, cmd, {
      defaultNumPartitions: this.config.numPartitions,
      defaultReplicationFactor: 1,
      brokerIds: [this.config.nodeId],
      now: this.now(),
      newTopicId: this.newTopicId,
    });
    if (E.isRight(decision) && decision.right.events.length > 0) await this.commit(decision.right.events);
    return decision;
  }

  async createPartitions(name: string, count: number, validateOnly: boolean): Promise<KafkaError | null> {
    const decision = decideCreatePartitions(this.live, { name, count, validateOnly });
    if (E.isLeft(decision)) return decision.left;
    if (decision.right.length > 0) await this.commit(decision.right);
    return null;
  }

  /** AlterConfigs for a topic: durable first, then applied to its open logs without a restart. */
  async alterConfigs(cmd: AlterTopicConfigsCommand): Promise<KafkaError | null> {
    const decision = decideAlterTopicConfigs(this.live, cmd);
    if (E.isLeft(decision)) return decision.left;
    if (decision.right.length > 0) {
      await this.commit(decision.right);
      await this.reconfigureLogs((topic) => topic === cmd.topic);
    }
    return null;
  }

  /** AlterConfigs for the broker (dynamic configs): durable first, then applied to every open log. */
  async alterBrokerConfigs(cmd: AlterBrokerConfigsCommand): Promise<KafkaError | null> {
    const decision = decideAlterBrokerConfigs(this.liveBroker, cmd);
    if (E.isLeft(decision)) return decision.left;
    if (decision.right.length > 0) {
      await this.commit(decision.right);
      await this.reconfigureLogs(() => true);
    }
    return null;
  }

  private async reconfigureLogs(which: (topic: string) => boolean): Promise<void> {
    for (const [key, pending] of this.logs) {
      const topic = key.slice(0, key.lastIndexOf('/'));
      const settings = this.storageSettings(topic);
      if (settings !== undefined && which(topic)) (await pending).reconfigure(settings);
    }
  }

  async delete(target: DeleteTopicTarget): Promise<E.Either<KafkaError, { name: string; topicId: string }>> {
    const decision = decideDeleteTopic(this.live, target);
    if (E.isLeft(decision)) return decision;
    const { name, topicId, events } = decision.right;
    await this.commit(events);
    for (const key of [...this.logs.keys()].filter((k) => k.startsWith(`${name}/`))) {
      const log = await this.logs.get(key)!;
      this.logs.delete(key);
      await log.close();
    }
    await this.store.deleteTopic(name);
    return E.right({ name, topicId });
  }

  /** The log of an existing partition, opened once and cached; undefined for an unknown partition. */
  partitionLog(topic: string, partition: number): Promise<PartitionLog> | undefined {
    const t = this.durable.topics.get(topic);
    if (t === undefined || !Number.isInteger(partition) || partition < 0 || partition >= t.partitions) return undefined;
    const key = `${topic}/${partition}`;
    let log = this.logs.get(key);
    if (log === undefined) {
      const opening = this.store.open(topic, partition, this.settingsOf(topic)!.storage);
      this.logs.set(key, opening);
      // A refused open (cluster mode: this broker does not lead the partition) is retried next time.
      opening.catch(() => {
        if (this.logs.get(key) === opening) this.logs.delete(key);
      });
      log = opening;
    }
    return log;
  }

  /** Closes and forgets one partition's log (cluster mode: its leadership moved away, or its log failed). */
  async releasePartition(topic: string, partition: number): Promise<void> {
    const key = `${topic}/${partition}`;
    const open = this.logs.get(key);
    if (open === undefined) return;
    this.logs.delete(key);
    await (await open.catch(() => null))?.close().catch(() => undefined);
  }

  /** Runs time/size retention over the open partition logs (log.retention.check.interval.ms). */
  async enforceRetention(nowMs: number): Promise<void> {
    for (const pending of [...this.logs.values()]) {
      const log = await pending.catch(() => null);
      // A failed log (cluster mode: fenced by a new leader) must not stop retention of the others.
      await log?.applyRetention(nowMs).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) await (await log.catch(() => null))?.close();
    this.logs.clear();
  }

  /** Calls `listener` after every durable topic change (creation, deletion, partitions, configs). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private async commit(events: readonly TopicServiceEvent[]): Promise<void> {
    for (const e of events) {
      if (isBrokerConfigEvent(e)) this.liveBroker = evolveBrokerConfigs(this.liveBroker, e);
      else this.live = evolveTopic(this.live, e);
    }
    await this.metaLog.append(events);
    for (const e of events) {
      if (isBrokerConfigEvent(e)) this.durableBroker = evolveBrokerConfigs(this.durableBroker, e);
      else this.durable = evolveTopic(this.durable, e);
    }
    for (const l of this.changeListeners) l();
  }
}
