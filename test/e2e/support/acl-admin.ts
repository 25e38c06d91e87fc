import { API_KEY } from '../../../src/adapters/kafka/protocol';
import type { RawClient } from './raw-client';

/** One ACL as CreateAcls v3 sends it. */
export interface WireAcl {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export const acl = (resourceType: number, resourceName: string, operation: number, permissionType = 3, resourcePatternType = 3, principal = 'User:alice', host = '*'): WireAcl =>
  ({ resourceType, resourceName, resourcePatternType, principal, host, operation, permissionType });

/** Creates ACLs through a super user's connection; fails the test on any per-item error. */
export const createAcls = async (admin: RawClient, acls: WireAcl[]): Promise<void> => {
  if (acls.length === 0) return;
  const res = await admin.send(API_KEY.CreateAcls, 3, { creations: acls });
  const errors = res.body.results.filter((r: { errorCode: number }) => r.errorCode !== 0);
  if (errors.length > 0) throw new Error(`CreateAcls failed: ${JSON.stringify(errors)}`);
};

const ANY_FILTER = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };

/** Removes every ACL. */
export const deleteAllAcls = async (admin: RawClient): Promise<number> => {
  const res = await admin.send(API_KEY.DeleteAcls, 3, { filters: [ANY_FILTER] });
  return res.body.filterResults[0].matchingAcls.length;
};

/** Every live ACL, flattened. */
export const listAcls = async (admin: RawClient): Promise<WireAcl[]> => {
  const res = await admin.send(API_KEY.DescribeAcls, 3, ANY_FILTER);
  return res.body.resources.flatMap((r: any) => r.acls.map((a: any) => ({ resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.patternType, ...a })));
};
