import { ErrorCode } from '../../../domain/error-code';
import { advertisedEndpoint, type BrokerIdentity } from '../../../application/broker-identity';
import type { ClusterView } from '../../../application/cluster/cluster-view';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/**
 * FindCoordinator v0–v6. A single node owns every coordinator shard, so it names itself for every
 * group and transactional id (GEN-1); v4+ batches keys (KIP-699). Unknown key types get INVALID_REQUEST.
 * In cluster mode a group id gets its shard's owner and a transactional id the controller, or
 * COORDINATOR_NOT_AVAILABLE while none holds it.
 */
export const findCoordinatorHandler = (broker: BrokerIdentity, cluster?: ClusterView): ApiHandler => ({
  apiKey: API_KEY.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(request: { key: string; keyType: number; coordinatorKeys: string[] }, ctx) {
    const answer = (key: string) => {
      if (request.keyType !== KEY_TYPE_GROUP && request.keyType !== KEY_TYPE_TRANSACTION) {
        return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown key type ${request.keyType}` };
      }
      if (cluster !== undefined) {
        // Transactions are coordinated with the partitions, by the controller, in this release.
        const owner =
          request.keyType === KEY_TYPE_TRANSACTION
            ? cluster.brokers().find((b) => b.nodeId === cluster.controllerId()) ?? null
            : cluster.coordinatorOf(key);
        if (owner === null) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the shard has no owner yet' };
        if (owner.nodeId !== broker.nodeId) return { key, nodeId: owner.nodeId, host: owner.host, port: owner.port, errorCode: ErrorCode.NONE, errorMessage: null };
      }
      return { key, nodeId: broker.nodeId, ...advertisedEndpoint(broker, ctx.listenerName), errorCode: ErrorCode.NONE, errorMessage: null };
    };
    if (ctx.header.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer) };
    }
    const one = answer(request.key);
    return { throttleTimeMs: 0, errorCode: one.errorCode, errorMessage: one.errorMessage, nodeId: one.nodeId, host: one.host, port: one.port };
  },
});
