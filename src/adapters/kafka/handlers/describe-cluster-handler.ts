import { ErrorCode } from '../../../domain/error-code';
import { AUTHORIZED_OPERATIONS_OMITTED, advertisedEndpoint, type BrokerIdentity } from '../../../application/broker-identity';
import { advertisedControllerId, type ClusterView } from '../../../application/cluster/cluster-view';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const ENDPOINT_BROKERS = 1;
/** Cluster operations Kafka reports without an authorizer: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
const CLUSTER_OPERATIONS_ALL = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

/** DescribeCluster v0–v1 (KIP-700): this node is the only broker and the controller. */
export const describeClusterHandler = (broker: BrokerIdentity, cluster?: ClusterView): ApiHandler => ({
  apiKey: API_KEY.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request: { includeClusterAuthorizedOperations: boolean; endpointType: number }, ctx) {
    if (request.endpointType !== ENDPOINT_BROKERS) {
      return {
        throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'only broker endpoints are served',
        endpointType: request.endpointType, clusterId: broker.clusterId, controllerId: -1, brokers: [],
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: ENDPOINT_BROKERS,
      clusterId: broker.clusterId,
      controllerId: advertisedControllerId(cluster, broker.nodeId),
      brokers: cluster === undefined
        ? [{ brokerId: broker.nodeId, ...advertisedEndpoint(broker, ctx.listenerName), rack: broker.rack }]
        : cluster.brokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: null })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS_ALL : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
