import { ErrorCode } from '../../../domain/error-code';
import { API_KEY, ZERO_UUID } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const NOT_CONTROLLER = ErrorCode.NOT_CONTROLLER;
const MESSAGE = 'this broker is not the controller; send the request to Metadata.controllerId';

interface ConfigResource {
  readonly resourceType: number;
  readonly resourceName: string;
}

/**
 * The answer of a broker that is not the controller, per API, in each API's own shape: every
 * topic, resource, ACL or user of the request fails with NOT_CONTROLLER.
 */
const notController: Partial<Record<number, (request: any, version: number) => object>> = {
  [API_KEY.CreateTopics]: (r: { topics: Array<{ name: string }> }) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name, topicId: ZERO_UUID, errorCode: NOT_CONTROLLER, errorMessage: MESSAGE,
      topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null,
    })),
  }),
  [API_KEY.DeleteTopics]: (r: { topicNames: string[]; topics: Array<{ name: string | null; topicId: string }> }, version) => ({
    throttleTimeMs: 0,
    responses: (version >= 6 ? r.topics : r.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))).map((t) => ({
      name: t.name, topicId: t.topicId, errorCode: NOT_CONTROLLER, errorMessage: MESSAGE,
    })),
  }),
  [API_KEY.CreatePartitions]: (r: { topics: Array<{ name: string }> }) => ({
    throttleTimeMs: 0,
    results: r.topics.map((t) => ({ name: t.name, errorCode: NOT_CONTROLLER, errorMessage: MESSAGE })),
  }),
  [API_KEY.AlterConfigs]: (r: { resources: ConfigResource[] }) => ({
    throttleTimeMs: 0,
    responses: r.resources.map((c) => ({ errorCode: NOT_CONTROLLER, errorMessage: MESSAGE, resourceType: c.resourceType, resourceName: c.resourceName })),
  }),
  [API_KEY.IncrementalAlterConfigs]: (r: { resources: ConfigResource[] }) => ({
    throttleTimeMs: 0,
    responses: r.resources.map((c) => ({ errorCode: NOT_CONTROLLER, errorMessage: MESSAGE, resourceType: c.resourceType, resourceName: c.resourceName })),
  }),
  [API_KEY.CreateAcls]: (r: { creations: unknown[] }) => ({
    throttleTimeMs: 0,
    results: r.creations.map(() => ({ errorCode: NOT_CONTROLLER, errorMessage: MESSAGE })),
  }),
  [API_KEY.DeleteAcls]: (r: { filters: unknown[] }) => ({
    throttleTimeMs: 0,
    filterResults: r.filters.map(() => ({ errorCode: NOT_CONTROLLER, errorMessage: MESSAGE, matchingAcls: [] })),
  }),
  [API_KEY.AlterUserScramCredentials]: (r: { deletions: Array<{ name: string }>; upsertions: Array<{ name: string }> }) => ({
    throttleTimeMs: 0,
    results: [...r.deletions, ...r.upsertions].map((u) => ({ user: u.name, errorCode: NOT_CONTROLLER, errorMessage: MESSAGE })),
  }),
};

/** API keys whose requests write the metadata shard, answered NOT_CONTROLLER away from the controller. */
export const CONTROLLER_ONLY_APIS: readonly number[] = Object.keys(notController).map(Number);

/**
 * Cluster mode (docs/scale-out.md): topics, configs, ACLs and SCRAM credentials are events of the
 * metadata shard, which only the controller (its lease holder) may write; a follower's copy is
 * read-only. A follower therefore answers these APIs NOT_CONTROLLER, as a ZooKeeper-mode Kafka broker
 * did before KIP-590 forwarding: clients (kafkajs admin, librdkafka, the Java AdminClient) refresh
 * Metadata and resend to `controllerId`. A write is never started on the follower's copy.
 */
export const controllerGuard = (isController: () => boolean) => (h: ApiHandler): ApiHandler => {
  const answer = notController[h.apiKey];
  if (answer === undefined) return h;
  return { ...h, handle: (request: unknown, ctx) => (isController() ? h.handle(request, ctx) : answer(request, ctx.header.apiVersion)) };
};
