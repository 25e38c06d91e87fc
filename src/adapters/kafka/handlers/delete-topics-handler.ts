import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { DeleteTopicsRequest } from '../protocol';
import { API_KEY, ZERO_UUID } from '../protocol';
import type { ApiHandler } from '../server/api-handler';


/** DeleteTopics v0–v6: names up to v5, names or topic ids from v6 (KIP-516). */
export const deleteTopicsHandler = (topics: TopicService, onDeleted: (topic: string) => void): ApiHandler => ({
  apiKey: API_KEY.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request: DeleteTopicsRequest, ctx) {
    const targets =
      ctx.header.apiVersion >= 6
        ? request.topics.map((t) => (t.name !== null ? { name: t.name } : { topicId: t.topicId }))
        : request.topicNames.map((name) => ({ name }));
    const responses = [];
    for (const target of targets) {
      const result = await topics.delete(target);
      // OF-22: offsets of a deleted topic are tombstoned once the deletion is durable.
      if (E.isRight(result)) onDeleted(result.right.name);
      const name = 'name' in target ? target.name : null;
      const topicId = 'topicId' in target ? target.topicId : ZERO_UUID;
      responses.push(
        E.isLeft(result)
          ? { name, topicId, errorCode: result.left.code, errorMessage: result.left.message ?? null }
          : { name: result.right.name, topicId: result.right.topicId, errorCode: ErrorCode.NONE, errorMessage: null },
      );
    }
    return { throttleTimeMs: 0, responses };
  },
});
