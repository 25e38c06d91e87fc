import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { AlterOp } from '../../../domain/topic/decide-alter-topic-configs';

/** ConfigResource.Type ids (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs). */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** One resource of an AlterConfigs or IncrementalAlterConfigs request, version-independent. */
export interface AlterResource {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly configs: ReadonlyArray<{ readonly name: string; readonly op: AlterOp | null; readonly value: string | null }>;
}

export interface AlterResourceResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly resourceType: number;
  readonly resourceName: string;
}

const OPS: ReadonlyArray<AlterOp> = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

/** IncrementalAlterConfigs' ConfigOperation byte (KIP-339), or null for an unknown one. */
export const alterOpOf = (code: number): AlterOp | null => OPS[code] ?? null;

/**
 * Both AlterConfigs flavours, resource by resource, as Kafka's ConfigAdminManager.preprocess and
 * then the controller do: a resource named twice, a config named twice, a null value (outside
 * DELETE), an unknown operation or resource type is INVALID_REQUEST; a BROKER resource must be ""
 * (the cluster-wide default) or this node's id. Each resource succeeds or fails as a whole.
 * `replaceAll` is legacy AlterConfigs: the listed configs replace every existing override.
 */
export const alterConfigResources = async (
  topics: TopicService,
  nodeId: number,
  resources: ReadonlyArray<AlterResource>,
  opts: { readonly validateOnly: boolean; readonly replaceAll: boolean },
): Promise<AlterResourceResult[]> => {
  const seen = new Map<string, number>();
  for (const r of resources) seen.set(`${r.resourceType}/${r.resourceName}`, (seen.get(`${r.resourceType}/${r.resourceName}`) ?? 0) + 1);
  const out: AlterResourceResult[] = [];
  for (const r of resources) {
    const result = (errorCode: number, errorMessage: string | null): AlterResourceResult => ({
      errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName,
    });
    const error = await alterOne(topics, nodeId, r, opts, seen.get(`${r.resourceType}/${r.resourceName}`)! > 1);
    out.push(error === null ? result(ErrorCode.NONE, null) : result(error.code, error.message));
  }
  return out;
};

const alterOne = async (
  topics: TopicService,
  nodeId: number,
  r: AlterResource,
  opts: { readonly validateOnly: boolean; readonly replaceAll: boolean },
  duplicated: boolean,
): Promise<{ code: number; message: string } | null> => {
  const invalid = (message: string) => ({ code: ErrorCode.INVALID_REQUEST, message });
  if (duplicated) return invalid('Each resource must appear at most once.');
  if (new Set(r.configs.map((c) => c.name)).size !== r.configs.length) return invalid('Error due to duplicate config keys');
  const unknownOp = r.configs.find((c) => c.op === null);
  if (unknownOp !== undefined) return invalid(`Unknown operations type for ${unknownOp.name}`);
  const nulls = r.configs.filter((c) => c.op !== 'DELETE' && c.value === null).map((c) => c.name);
  if (nulls.length > 0) return invalid(`Null value not supported for : ${nulls.join(', ')}`);
  const changes = r.configs.map((c) => ({ name: c.name, op: c.op as AlterOp, value: c.value }));
  if (r.resourceType === ResourceType.TOPIC) {
    const e = await topics.alterConfigs({ topic: r.resourceName, changes, replaceAll: opts.replaceAll, validateOnly: opts.validateOnly });
    return e === null ? null : { code: e.code, message: e.message ?? '' };
  }
  if (r.resourceType === ResourceType.BROKER) {
    if (r.resourceName !== '') {
      if (!/^-?\d+$/.test(r.resourceName)) return invalid(`Node id must be an integer, but it is: ${r.resourceName}`);
      if (Number(r.resourceName) !== nodeId) return invalid(`Unexpected broker id, expected ${nodeId}, but received ${r.resourceName}`);
    }
    const e = await topics.alterBrokerConfigs({
      scope: r.resourceName === '' ? 'cluster' : 'node', changes, replaceAll: opts.replaceAll, validateOnly: opts.validateOnly,
    });
    return e === null ? null : { code: e.code, message: e.message ?? '' };
  }
  // BROKER_LOGGER, GROUP and CLIENT_METRICS configs are not served by this broker.
  return invalid(`Unknown resource type ${r.resourceType}`);
};
