import type { TopicCatalog } from '../../../application/topic-catalog';
import type { RequestContext } from '../server/api-handler';

/** The checks a rule may make for the request's session (security.md AZ-0a..AZ-0e). */
export interface Authz {
  /** An explicitly requested resource: a denial is logged (AC-14). */
  can(resourceType: number, resourceName: string, operation: number): boolean;
  /** Filtering (Metadata for all topics, ListGroups, OffsetFetch of all partitions): denials are not logged. */
  canQuietly(resourceType: number, resourceName: string, operation: number): boolean;
  /** AC-11 authorizeByResourceType (InitProducerId without a transactional id). */
  canByResourceType(operation: number, resourceType: number): boolean;
  /** AC-12 authorizedOperations bitfield. */
  operations(resourceType: number, resourceName: string): number;
}

/** What rules may read besides the request: topic existence for the checks that depend on it (AZ-4d, AZ-17a). */
export interface AuthorizationDeps {
  readonly topics: TopicCatalog;
}

export interface RuleContext {
  readonly version: number;
  readonly authz: Authz;
  readonly ctx: RequestContext;
  readonly deps: AuthorizationDeps;
}

/** Runs the wrapped handler with a (possibly reduced) request. */
export type Next = (request: any) => Promise<any>;

/**
 * One API's authorization (a row of security.md §4): check, then either answer alone (a whole denial,
 * or every item denied), or call `next` with the allowed part of the request and merge the denied items
 * into its response, or post-filter the response (Metadata, ListGroups, OffsetFetch). Never throws for
 * client input.
 */
export type AuthorizationRule = (request: any, rc: RuleContext, next: Next) => Promise<object | null>;

/** Kafka's default exception messages (Errors.java) where a response carries one. */
export const DENIAL_MESSAGE: Readonly<Record<number, string>> = {
  29: 'Topic authorization failed.',
  30: 'Group authorization failed.',
  31: 'Cluster authorization failed.',
  53: 'Transactional Id authorization failed.',
};

/**
 * Splits items into those allowed and those denied, keeping each item's position so a positional
 * response (one result per request item) can be rebuilt in request order.
 */
export const partition = <T>(items: readonly T[], allowed: (item: T, index: number) => boolean): { allowed: T[]; denied: Set<number> } => {
  const out: T[] = [];
  const denied = new Set<number>();
  items.forEach((item, i) => (allowed(item, i) ? out.push(item) : denied.add(i)));
  return { allowed: out, denied };
};

/** Rebuilds a positional result list: denied positions from `deniedResult`, the others from the handler's results in order. */
export const mergePositional = <T, R>(items: readonly T[], denied: ReadonlySet<number>, handled: readonly R[], deniedResult: (item: T) => R): R[] => {
  let next = 0;
  return items.map((item, i) => (denied.has(i) ? deniedResult(item) : handled[next++]!));
};
