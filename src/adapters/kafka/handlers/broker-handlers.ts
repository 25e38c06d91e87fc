import type { AppendNotifier } from '../../../application/append-notifier';
import type { BrokerIdentity } from '../../../application/broker-identity';
import type { ClusterView } from '../../../application/cluster/cluster-view';
import type { GroupRequests } from '../../../application/group-requests';
import type { FetchSessionCache } from '../../../application/fetch-sessions';
import type { PartitionWriter } from '../../../application/partition-writer';
import type { SecurityService } from '../../../application/security-service';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import { addOffsetsToTxnHandler, addPartitionsToTxnHandler, endTxnHandler } from './transaction-handlers';
import { txnOffsetCommitHandler } from './txn-offset-commit-handler';
import { describeProducersHandler, describeTransactionsHandler, listTransactionsHandler } from './transaction-admin-handlers';
import { createAclsHandler, deleteAclsHandler, describeAclsHandler } from './acl-handlers';
import { saslAuthenticateHandler, saslHandshakeHandler } from './sasl-handshake-handler';
import { alterUserScramCredentialsHandler, describeUserScramCredentialsHandler } from './scram-credentials-handlers';
import type { TopicService } from '../../../application/topic-service';
import type { ApiHandler } from '../server/api-handler';
import type { HandlerRegistry } from '../server/handler-registry';
import { alterConfigsHandler } from './alter-configs-handler';
import { apiVersionsHandler } from './api-versions-handler';
import { createPartitionsHandler } from './create-partitions-handler';
import { createTopicsHandler } from './create-topics-handler';
import { deleteGroupsHandler } from './delete-groups-handler';
import { deleteRecordsHandler } from './delete-records-handler';
import { deleteTopicsHandler } from './delete-topics-handler';
import { describeClusterHandler } from './describe-cluster-handler';
import { describeConfigsHandler } from './describe-configs-handler';
import { describeGroupsHandler } from './describe-groups-handler';
import { fetchHandler } from './fetch-handler';
import { findCoordinatorHandler } from './find-coordinator-handler';
import { heartbeatHandler } from './heartbeat-handler';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs-handler';
import { initProducerIdHandler } from './init-producer-id-handler';
import { joinGroupHandler } from './join-group-handler';
import { leaveGroupHandler } from './leave-group-handler';
import { listGroupsHandler } from './list-groups-handler';
import { listOffsetsHandler } from './list-offsets-handler';
import { metadataHandler } from './metadata-handler';
import { offsetCommitHandler } from './offset-commit-handler';
import { offsetDeleteHandler } from './offset-delete-handler';
import { offsetFetchHandler } from './offset-fetch-handler';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch-handler';
import { produceHandler } from './produce-handler';
import { syncGroupHandler } from './sync-group-handler';
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat-handler';
import { consumerGroupDescribeHandler } from './consumer-group-describe-handler';

/** What the Kafka APIs are served from. */
export interface BrokerServices {
  readonly registry: HandlerRegistry;
  readonly identity: BrokerIdentity;
  readonly topics: TopicService;
  readonly coordinator: GroupRequests;
  readonly writer: PartitionWriter;
  readonly notifier: AppendNotifier;
  /** ACLs and SCRAM credentials (issue 17). */
  readonly security: SecurityService;
  /** KIP-227 incremental fetch sessions. */
  readonly fetchSessions: FetchSessionCache;
  /** The transaction coordinator (issue 16). */
  readonly txns: TransactionCoordinator;
  readonly nodeId: number;
  readonly now: () => number;
  /** Cluster mode (issue 15): live brokers, controller and shard owners; absent on a single node. */
  readonly cluster?: ClusterView;
}

/** Every API this broker serves, one handler each (GEN-10: ApiVersions advertises exactly these). */
export const brokerHandlers = (s: BrokerServices): ApiHandler[] => [
  apiVersionsHandler(s.registry),
  metadataHandler(s.identity, s.topics, s.cluster),
  findCoordinatorHandler(s.identity, s.cluster),
  describeClusterHandler(s.identity, s.cluster),
  joinGroupHandler(s.coordinator),
  syncGroupHandler(s.coordinator),
  heartbeatHandler(s.coordinator),
  leaveGroupHandler(s.coordinator),
  offsetCommitHandler(s.coordinator, s.topics),
  offsetFetchHandler(s.coordinator, s.txns),
  offsetDeleteHandler(s.coordinator, s.topics, s.txns),
  describeGroupsHandler(s.coordinator),
  listGroupsHandler(s.coordinator),
  deleteGroupsHandler(s.coordinator, s.txns),
  consumerGroupHeartbeatHandler(s.coordinator),
  consumerGroupDescribeHandler(s.coordinator),
  createTopicsHandler(s.topics),
  deleteTopicsHandler(s.topics, (topic) => {
    s.writer.forgetTopic(topic);
    // OF-22: committed offsets of a deleted topic go with it.
    void s.coordinator.onTopicsDeleted([topic]);
  }),
  createPartitionsHandler(s.topics),
  describeConfigsHandler(s.topics, s.nodeId),
  produceHandler(s.topics, s.writer, s.txns),
  fetchHandler(s.topics, s.notifier, s.fetchSessions, s.writer),
  listOffsetsHandler(s.topics, s.writer),
  offsetForLeaderEpochHandler(s.topics),
  initProducerIdHandler(s.txns),
  addPartitionsToTxnHandler(s.txns, s.topics),
  addOffsetsToTxnHandler(s.txns),
  endTxnHandler(s.txns),
  txnOffsetCommitHandler(s.txns, s.coordinator, s.topics, s.now),
  describeTransactionsHandler(s.txns),
  listTransactionsHandler(s.txns, s.now),
  describeProducersHandler(s.topics, s.writer),
  deleteRecordsHandler(s.topics),
  alterConfigsHandler(s.topics, s.nodeId),
  incrementalAlterConfigsHandler(s.topics, s.nodeId),
  saslHandshakeHandler(),
  saslAuthenticateHandler(),
  describeAclsHandler(s.security),
  createAclsHandler(s.security),
  deleteAclsHandler(s.security),
  describeUserScramCredentialsHandler(s.security),
  alterUserScramCredentialsHandler(s.security),
];
