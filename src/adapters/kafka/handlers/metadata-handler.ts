import { ErrorCode, type KafkaError } from '../../../domain/error-code';
import { AUTHORIZED_OPERATIONS_OMITTED, advertisedEndpoint, type BrokerIdentity } from '../../../application/broker-identity';
import type { TopicCatalog, TopicView } from '../../../application/topic-catalog';
import { advertisedControllerId, type ClusterView } from '../../../application/cluster/cluster-view';
import { API_KEY, ZERO_UUID } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** Topic operations without an authorizer: READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
const TOPIC_OPERATIONS_ALL = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

interface MetadataRequestTopic {
  topicId: string;
  name: string | null;
}

/**
 * Metadata v0–v12 on a single node: this broker leads every partition, replicas = ISR = [self].
 * A null topic list (v1+) or an empty one at v0 means every topic. Unknown topics are auto-created
 * when both the request (v4+) and `auto.create.topics.enable` allow it, as Kafka does. In cluster mode
 * (docs/scale-out.md) the live brokers are listed and the controller leads every partition.
 */
export const metadataHandler = (broker: BrokerIdentity, topics: TopicCatalog, cluster?: ClusterView): ApiHandler => ({
  apiKey: API_KEY.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(
    request: {
      topics: MetadataRequestTopic[] | null;
      allowAutoTopicCreation: boolean;
      includeTopicAuthorizedOperations: boolean;
    },
    ctx,
  ) {
    const version = ctx.header.apiVersion;
    const wantsAll = request.topics === null || (version === 0 && request.topics.length === 0);
    const allowAuto = (version < 4 || request.allowAutoTopicCreation) && topics.autoCreateEnabled();
    const topicOps = request.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS_ALL : AUTHORIZED_OPERATIONS_OMITTED;

    const describe = (t: TopicView) => ({
      errorCode: ErrorCode.NONE,
      name: t.name,
      topicId: t.topicId,
      isInternal: false,
      partitions: Array.from({ length: t.partitions }, (_, p) => {
        const leader = cluster === undefined ? broker.nodeId : cluster.partitionLeader(t.name, p);
        return {
          errorCode: leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
          partitionIndex: p,
          leaderId: leader,
          leaderEpoch: 0,
          replicaNodes: [leader],
          isrNodes: [leader],
          offlineReplicas: [],
        };
      }),
      topicAuthorizedOperations: topicOps,
    });
    const failed = (name: string | null, topicId: string, code: number) => ({
      errorCode: code, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: topicOps,
    });

    let out;
    if (wantsAll) {
      out = topics.list().map(describe);
    } else {
      out = [];
      for (const requested of request.topics!) {
        if (requested.name === null || requested.name === undefined) {
          const byId = requested.topicId !== ZERO_UUID ? topics.getById(requested.topicId) : undefined;
          out.push(byId ? describe(byId) : failed(null, requested.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
          continue;
        }
        const known = topics.get(requested.name);
        if (known !== undefined) {
          out.push(describe(known));
        } else if (allowAuto) {
          const created: TopicView | KafkaError = await topics.autoCreate(requested.name);
          out.push('code' in created ? failed(requested.name, ZERO_UUID, created.code) : describe(created));
        } else {
          out.push(failed(requested.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        }
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: cluster === undefined
        ? [{ nodeId: broker.nodeId, ...advertisedEndpoint(broker, ctx.listenerName), rack: broker.rack }]
        : cluster.brokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null })),
      clusterId: broker.clusterId,
      controllerId: advertisedControllerId(cluster, broker.nodeId),
      topics: out,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
