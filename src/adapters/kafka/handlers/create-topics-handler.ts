import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import { describeTopicConfigs } from '../../../domain/topic/topic-configs';
import type { CreateTopicsRequest } from '../protocol';
import { API_KEY, ZERO_UUID } from '../protocol';
import type { ApiHandler } from '../server/api-handler';


/**
 * CreateTopics v0–v7 (validate_only v1+, KIP-464 defaults, v5+ returns partitions/replication/configs,
 * v7 topic ids). A name given twice in one request is INVALID_REQUEST for each copy, as in Kafka.
 */
export const createTopicsHandler = (topics: TopicService): ApiHandler => ({
  apiKey: API_KEY.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request: CreateTopicsRequest, ctx) {
    const version = ctx.header.apiVersion;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const out = [];
    for (const t of request.topics) {
      const failed = (errorCode: number, errorMessage: string | null) => ({
        name: t.name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0,
        numPartitions: -1, replicationFactor: -1, configs: null,
      });
      if (counts.get(t.name)! > 1) {
        out.push(failed(ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for topic ${t.name}.`));
        continue;
      }
      const result = await topics.create({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
        configs: t.configs.map((c) => ({ name: c.name, value: c.value })),
        validateOnly: version >= 1 && request.validateOnly,
      });
      if (E.isLeft(result)) {
        out.push(failed(result.left.code, result.left.message ?? null));
        continue;
      }
      const overrides = new Map(result.right.configs.map((c) => [c.name, c.value]));
      out.push({
        name: t.name,
        topicId: result.right.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topicConfigErrorCode: 0,
        numPartitions: result.right.numPartitions,
        replicationFactor: result.right.replicationFactor,
        configs: describeTopicConfigs(overrides, topics.brokerSettings()).map((c) => ({
          name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: c.isSensitive,
        })),
      });
    }
    return { throttleTimeMs: 0, topics: out };
  },
});
