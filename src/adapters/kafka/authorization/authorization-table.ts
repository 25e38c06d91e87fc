import type { AuthorizationRule } from './authorization-rule';
import { CLUSTER_RULES } from './cluster-rules';
import { GROUP_RULES } from './group-rules';
import { TOPIC_RULES } from './topic-rules';
import { TRANSACTION_RULES } from './transaction-rules';

/**
 * The per-API authorization table (security.md §4, one row per API key). Every registered handler must
 * have a row while the authorizer is on (`withAuthorization` refuses to register one without); an API
 * added later is covered by adding its row here.
 *
 * | API (key)                           | Resource : operation                                   | Denied →                                  |
 * |-------------------------------------|--------------------------------------------------------|-------------------------------------------|
 * | Produce (0)                         | TRANSACTIONAL_ID:WRITE if transactional; TOPIC:WRITE   | 53 every partition; 29 per partition      |
 * | Fetch (1)                           | follower: CLUSTER:CLUSTER_ACTION; TOPIC:READ           | 29 per partition                          |
 * | ListOffsets (2)                     | TOPIC:DESCRIBE                                         | 29 per partition                          |
 * | Metadata (3)                        | TOPIC:DESCRIBE; auto-create CLUSTER or TOPIC:CREATE    | 29 per named topic; all-topics filtered   |
 * | OffsetCommit (8)                    | GROUP:READ; TOPIC:READ                                 | 30 every partition; 29 per partition      |
 * | OffsetFetch (9)                     | GROUP:DESCRIBE; TOPIC:DESCRIBE                         | 30 per group; 29 per topic / filtered     |
 * | FindCoordinator (10)                | GROUP or TRANSACTIONAL_ID:DESCRIBE                     | 30 / 53, node -1                          |
 * | JoinGroup, Heartbeat, LeaveGroup, SyncGroup (11–14), ConsumerGroupHeartbeat (68) | GROUP:READ | 30 whole                            |
 * | DescribeGroups (15), ConsumerGroupDescribe (69) | GROUP:DESCRIBE                             | 30 per group                              |
 * | ListGroups (16)                     | CLUSTER:DESCRIBE else GROUP:DESCRIBE                   | filtered, never an error                  |
 * | SaslHandshake (17), ApiVersions (18), SaslAuthenticate (36) | none                           | —                                         |
 * | CreateTopics (19)                   | CLUSTER:CREATE else TOPIC:CREATE; DESCRIBE_CONFIGS     | 29 per topic                              |
 * | DeleteTopics (20)                   | CLUSTER:DELETE else TOPIC:DESCRIBE + DELETE            | 29 per topic                              |
 * | DeleteRecords (21)                  | TOPIC:DELETE                                           | 29 per partition                          |
 * | InitProducerId (22)                 | TRANSACTIONAL_ID:WRITE; else CLUSTER:IDEMPOTENT_WRITE or any TOPIC:WRITE | 53 / 31 whole           |
 * | OffsetForLeaderEpoch (23)           | CLUSTER:CLUSTER_ACTION else TOPIC:DESCRIBE             | 29 per partition                          |
 * | AddPartitionsToTxn (24)             | TRANSACTIONAL_ID:WRITE; TOPIC:WRITE (v4+: CLUSTER_ACTION) | 53 all; 29 + 55 others; 31            |
 * | AddOffsetsToTxn (25)                | TRANSACTIONAL_ID:WRITE; GROUP:READ                     | 53 / 30 whole                             |
 * | EndTxn (26)                         | TRANSACTIONAL_ID:WRITE                                 | 53 whole                                  |
 * | TxnOffsetCommit (28)                | TRANSACTIONAL_ID:WRITE; GROUP:READ; TOPIC:READ         | 53 / 30 every partition; 29 per partition |
 * | DescribeAcls (29)                   | CLUSTER:DESCRIBE                                       | 31 top level                              |
 * | CreateAcls (30), DeleteAcls (31)    | CLUSTER:ALTER                                          | 31 every result                           |
 * | DescribeConfigs (32)                | TOPIC / CLUSTER / GROUP : DESCRIBE_CONFIGS             | 29 / 31 / 30 per resource                 |
 * | AlterConfigs (33), IncrementalAlterConfigs (44) | TOPIC / CLUSTER / GROUP : ALTER_CONFIGS    | 29 / 31 / 30 per resource                 |
 * | CreatePartitions (37)               | TOPIC:ALTER                                            | 29 per topic                              |
 * | DeleteGroups (42)                   | GROUP:DELETE                                           | 30 per group                              |
 * | OffsetDelete (47)                   | GROUP:DELETE; TOPIC:READ                               | 30 top level; 29 per partition            |
 * | DescribeUserScramCredentials (50)   | CLUSTER:DESCRIBE                                       | 31 top level                              |
 * | AlterUserScramCredentials (51)      | CLUSTER:ALTER                                          | 31 every user                             |
 * | DescribeLogDirs (35)                | CLUSTER:DESCRIBE                                       | 31 top level (v3+); empty (v0–2)          |
 * | DescribeCluster (60)                | none (CLUSTER:DESCRIBE for authorized operations)      | —                                         |
 * | DescribeProducers (61)              | TOPIC:READ                                             | 29 per partition                          |
 * | DescribeTransactions (65)           | TRANSACTIONAL_ID:DESCRIBE; TOPIC:DESCRIBE              | 53 per id; topics filtered                |
 * | ListTransactions (66)               | TRANSACTIONAL_ID:DESCRIBE                              | filtered, never an error                  |
 *
 * Broker-to-broker APIs (WriteTxnMarkers 27, …) are neither advertised nor answered (AZ-45).
 */
export const AUTHORIZATION_RULES: ReadonlyMap<number, AuthorizationRule> = new Map([...TOPIC_RULES, ...GROUP_RULES, ...CLUSTER_RULES, ...TRANSACTION_RULES]);
