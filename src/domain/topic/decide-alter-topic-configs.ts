import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import { ConfigType } from './config-entry';
import type { TopicEvent } from './events';
import { topicConfigDef, validateTopicConfigs } from './topic-configs';
import type { TopicsState } from './topic-state';
import { applyAlterOp } from '../config/alter-op';

/** IncrementalAlterConfigs operations (KIP-339): SET 0, DELETE 1, APPEND 2, SUBTRACT 3. */
export type AlterOp = 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT';

export interface AlterTopicConfigsCommand {
  readonly topic: string;
  readonly changes: ReadonlyArray<{ readonly name: string; readonly op: AlterOp; readonly value: string | null }>;
  /** Legacy AlterConfigs: the listed configs replace every override (unlisted ones are removed). */
  readonly replaceAll: boolean;
  readonly validateOnly: boolean;
}

/**
 * AlterConfigs / IncrementalAlterConfigs for a TOPIC resource: unknown topic →
 * UNKNOWN_TOPIC_OR_PARTITION; unknown names, bad values, APPEND/SUBTRACT on a non-list → INVALID_CONFIG.
 */
export const decideAlterTopicConfigs = (
  state: TopicsState,
  cmd: AlterTopicConfigsCommand,
): E.Either<KafkaError, ReadonlyArray<TopicEvent>> => {
  const topic = state.topics.get(cmd.topic);
  const configs: ReadonlyMap<string, string> = topic?.configs ?? new Map();
  const next = new Map(cmd.replaceAll ? [] : configs);
  for (const c of cmd.changes) {
    const d = topicConfigDef(c.name);
    if (d === undefined) return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`));
    if ((c.op === 'APPEND' || c.op === 'SUBTRACT') && d.type !== ConfigType.LIST) {
      return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Config value append is not allowed for config key: ${c.name}`));
    }
    if (c.op === 'DELETE') {
      next.delete(c.name);
      continue;
    }
    if (c.value === null) return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`));
    next.set(c.name, applyAlterOp(c.op, next.get(c.name) ?? d.defaultValue ?? '', c.value));
  }
  const checked = validateTopicConfigs([...next].map(([name, value]) => ({ name, value })));
  if (E.isLeft(checked)) return checked;
  // Kafka's controller validates the configs before it checks that the topic exists.
  if (topic === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${cmd.topic}' does not exist.`));
  const changed: { name: string; value: string | null }[] = [];
  for (const [name, value] of next) if (configs.get(name) !== value) changed.push({ name, value });
  for (const name of configs.keys()) if (!next.has(name)) changed.push({ name, value: null });
  if (cmd.validateOnly || changed.length === 0) return E.right([]);
  return E.right([{ type: 'TopicConfigChanged', topic: cmd.topic, configs: changed }]);
};
