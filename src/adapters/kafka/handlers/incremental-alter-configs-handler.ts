import type { TopicService } from '../../../application/topic-service';
import type { IncrementalAlterConfigsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { alterConfigResources, alterOpOf } from './alter-config-resources';

/**
 * IncrementalAlterConfigs v0–v1 (KIP-339: SET, DELETE, APPEND, SUBTRACT) for TOPIC and BROKER
 * resources. Changes are MetaLog events, durable before the answer and applied to live logs
 * without a restart (retention, compaction and segment settings).
 */
export const incrementalAlterConfigsHandler = (topics: TopicService, nodeId: number): ApiHandler => ({
  apiKey: API_KEY.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request: IncrementalAlterConfigsRequest) {
    const responses = await alterConfigResources(
      topics,
      nodeId,
      request.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({ name: c.name, op: alterOpOf(c.configOperation), value: c.value })),
      })),
      { validateOnly: request.validateOnly, replaceAll: false },
    );
    return { throttleTimeMs: 0, responses };
  },
});
