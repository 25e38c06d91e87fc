import { API_KEY, ZERO_UUID, apiVersionRange, decodeResponse, encodeResponse } from '../../../src/adapters/kafka/protocol';
import { CONTROLLER_ONLY_APIS, controllerGuard } from '../../../src/adapters/kafka/handlers/controller-guard';
import type { ApiHandler, RequestContext } from '../../../src/adapters/kafka/server/api-handler';
import { ErrorCode } from '../../../src/domain/error-code';

/** One request per controller-only API, naming two topics / resources / ACLs / users. */
const requests: Record<number, object> = {
  [API_KEY.CreateTopics]: { topics: [{ name: 'a' }, { name: 'b' }], timeoutMs: 1000, validateOnly: false },
  [API_KEY.DeleteTopics]: { topicNames: ['a', 'b'], topics: [{ name: 'a', topicId: ZERO_UUID }, { name: 'b', topicId: ZERO_UUID }], timeoutMs: 1000 },
  [API_KEY.CreatePartitions]: { topics: [{ name: 'a' }, { name: 'b' }] },
  [API_KEY.AlterConfigs]: { resources: [{ resourceType: 2, resourceName: 'a' }, { resourceType: 4, resourceName: '1' }] },
  [API_KEY.IncrementalAlterConfigs]: { resources: [{ resourceType: 2, resourceName: 'a' }, { resourceType: 4, resourceName: '1' }] },
  [API_KEY.CreateAcls]: { creations: [{}, {}] },
  [API_KEY.DeleteAcls]: { filters: [{}, {}] },
  [API_KEY.AlterUserScramCredentials]: { deletions: [{ name: 'alice' }], upsertions: [{ name: 'bob' }] },
};

/** Every error code of a decoded response body, wherever it sits. */
const errorCodes = (body: unknown): number[] => {
  if (Array.isArray(body)) return body.flatMap(errorCodes);
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([k, v]) => (k === 'errorCode' ? [v as number] : errorCodes(v)));
};

const ctx = (apiVersion: number): RequestContext =>
  ({ connectionId: 1, header: { apiKey: 0, apiVersion, correlationId: 7, clientId: 't' }, clientId: 't', clientHost: '/127.0.0.1' }) as unknown as RequestContext;

describe('issue 15: controller-only APIs on a broker that is not the controller', () => {
  const inner = (apiKey: number): ApiHandler & { calls: number } => {
    const h = { apiKey, minVersion: 0, maxVersion: 99, calls: 0, handle: () => { h.calls += 1; return { throttleTimeMs: 0 }; } };
    return h;
  };

  test('the guarded APIs are the metadata-shard writes', () => {
    expect([...CONTROLLER_ONLY_APIS].sort((a, b) => a - b)).toEqual(Object.keys(requests).map(Number).sort((a, b) => a - b));
  });

  test.each(CONTROLLER_ONLY_APIS.map((k) => [k]))('api %i: every item answers NOT_CONTROLLER at every version, the handler is never called, and the answer encodes', (apiKey) => {
    const h = inner(apiKey);
    const guarded = controllerGuard(() => false)(h);
    const { min, max } = apiVersionRange(apiKey);
    for (let v = min; v <= max; v++) {
      const answer = guarded.handle(requests[apiKey], ctx(v)) as object;
      const decoded = decodeResponse(apiKey, v, encodeResponse(apiKey, v, 7, answer).subarray(4)).body;
      const codes = errorCodes(decoded);
      expect(codes.length).toBeGreaterThanOrEqual(2);
      expect(new Set(codes)).toEqual(new Set([ErrorCode.NOT_CONTROLLER]));
    }
    expect(h.calls).toBe(0);
  });

  test('the controller serves them; other APIs pass through untouched', () => {
    const h = inner(API_KEY.CreateTopics);
    controllerGuard(() => true)(h).handle(requests[API_KEY.CreateTopics], ctx(7));
    expect(h.calls).toBe(1);
    const metadata = inner(API_KEY.Metadata);
    expect(controllerGuard(() => false)(metadata)).toBe(metadata);
  });
});
