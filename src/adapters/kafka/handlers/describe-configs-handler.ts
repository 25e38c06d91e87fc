import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import { describeTopicConfigs } from '../../../domain/topic/topic-configs';
import { describeBrokerConfigs } from '../../../domain/topic/broker-configs';
import type { DescribedConfig } from '../../../domain/topic/config-entry';
import type { DescribeConfigsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

/**
 * DescribeConfigs v0–v4 for TOPIC and BROKER resources; synonyms v1+, types and docs v3+. Sources:
 * TOPIC_CONFIG (Kafka's DYNAMIC_TOPIC_CONFIG), DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG,
 * STATIC_BROKER_CONFIG, DEFAULT_CONFIG.
 */
export const describeConfigsHandler = (topics: TopicService, nodeId: number): ApiHandler => ({
  apiKey: API_KEY.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request: DescribeConfigsRequest, ctx) {
    const version = ctx.header.apiVersion;
    const wire = (c: DescribedConfig) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      isDefault: version === 0 && c.isDefault,
      configSource: c.source,
      isSensitive: c.isSensitive,
      synonyms: version >= 1 && request.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })) : [],
      configType: c.type,
      documentation: version >= 3 && request.includeDocumentation ? c.documentation : null,
    });
    const results = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      if (r.resourceType === RESOURCE_TOPIC) {
        const overrides = topics.overridesOf(r.resourceName);
        if (overrides === undefined) {
          return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist.`, configs: [] };
        }
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: describeTopicConfigs(overrides, topics.brokerLayers(), r.configurationKeys).map(wire) };
      }
      if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(nodeId)) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${nodeId} but received ${r.resourceName}`, configs: [] };
        }
        const layers = topics.brokerLayers();
        // Resource "" is the cluster-wide default: Kafka lists only the dynamic defaults set there.
        const configs = describeBrokerConfigs(layers.static, r.configurationKeys, layers.dynamic, r.resourceName === '');
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: configs.map(wire) };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}`, configs: [] };
    });
    return { throttleTimeMs: 0, results };
  },
});
