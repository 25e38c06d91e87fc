import type { TopicService } from '../../../application/topic-service';
import type { AlterConfigsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { alterConfigResources } from './alter-config-resources';

/**
 * AlterConfigs v0–v2 (legacy, non-incremental) for TOPIC and BROKER resources: the listed configs
 * replace every existing override of the resource. Changes are MetaLog events, durable before the
 * answer and applied to live logs without a restart.
 */
export const alterConfigsHandler = (topics: TopicService, nodeId: number): ApiHandler => ({
  apiKey: API_KEY.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request: AlterConfigsRequest) {
    const responses = await alterConfigResources(
      topics,
      nodeId,
      request.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({ name: c.name, op: 'SET' as const, value: c.value })),
      })),
      { validateOnly: request.validateOnly, replaceAll: true },
    );
    return { throttleTimeMs: 0, responses };
  },
});
