import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { CreatePartitionsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** CreatePartitions v0–v3: grow a topic's partition count (never shrink). */
export const createPartitionsHandler = (topics: TopicService): ApiHandler => ({
  apiKey: API_KEY.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request: CreatePartitionsRequest) {
    const results = [];
    for (const t of request.topics) {
      const error = await topics.createPartitions(t.name, t.count, request.validateOnly);
      results.push({ name: t.name, errorCode: error?.code ?? ErrorCode.NONE, errorMessage: error?.message ?? null });
    }
    return { throttleTimeMs: 0, results };
  },
});
