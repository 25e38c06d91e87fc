import { API_KEY, apiVersionRange, decodeResponse, encodeResponse } from '../../../src/adapters/kafka/protocol';
import { metadataHandler } from '../../../src/adapters/kafka/handlers/metadata-handler';
import { describeClusterHandler } from '../../../src/adapters/kafka/handlers/describe-cluster-handler';
import type { RequestContext } from '../../../src/adapters/kafka/server/api-handler';
import type { ClusterView } from '../../../src/application/cluster/cluster-view';
import type { TopicCatalog } from '../../../src/application/topic-catalog';
import type { BrokerIdentity } from '../../../src/application/broker-identity';

const self: BrokerIdentity = { nodeId: 2, host: '127.0.0.1', port: 9093, clusterId: 'c', rack: null };
const brokers = [1, 2, 3].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 9091 + nodeId }));
const view = (controller: number): ClusterView => ({
  brokers: () => brokers,
  controllerId: () => controller,
  partitionLeader: () => controller,
  coordinatorOf: () => null,
});
const noTopics = { autoCreateEnabled: () => false, list: () => [], get: () => undefined, getById: () => undefined } as unknown as TopicCatalog;
const ctx = (apiVersion: number): RequestContext =>
  ({ connectionId: 1, header: { apiKey: 0, apiVersion, correlationId: 7, clientId: 't' }, clientId: 't', clientHost: '/127.0.0.1' }) as unknown as RequestContext;

/** The controllerId a client decodes from the handler's answer at `version`. */
const metadataController = async (cluster: ClusterView, version: number): Promise<number> => {
  const body = await metadataHandler(self, noTopics, cluster).handle({ topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, ctx(version));
  return decodeResponse(API_KEY.Metadata, version, encodeResponse(API_KEY.Metadata, version, 7, body as object).subarray(4)).body.controllerId as number;
};

describe('issue 15: Metadata and DescribeCluster name a live broker as controller while the metadata shard has no known owner', () => {
  test('Metadata v1+ answers the owner when known, else this broker, never -1', async () => {
    const { min, max } = apiVersionRange(API_KEY.Metadata);
    for (let v = Math.max(1, min); v <= max; v++) {
      expect(await metadataController(view(3), v)).toBe(3);
      expect(await metadataController(view(-1), v)).toBe(self.nodeId);
    }
  });

  test('DescribeCluster answers the same', () => {
    const h = describeClusterHandler(self, view(-1));
    const known = describeClusterHandler(self, view(1));
    for (let v = 0; v <= 1; v++) {
      expect((h.handle({ includeClusterAuthorizedOperations: false, endpointType: 1 }, ctx(v)) as { controllerId: number }).controllerId).toBe(self.nodeId);
      expect((known.handle({ includeClusterAuthorizedOperations: false, endpointType: 1 }, ctx(v)) as { controllerId: number }).controllerId).toBe(1);
    }
  });
});
