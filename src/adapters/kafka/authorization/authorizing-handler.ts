import { ANONYMOUS_PRINCIPAL, type Session } from '../../../domain/security/acl';
import type { Authorizer } from '../../../ports/authorizer';
import type { Logger } from '../../../ports/logger';
import type { ApiHandler } from '../server/api-handler';
import type { AuthorizationDeps, AuthorizationRule, Authz } from './authorization-rule';

/**
 * Wraps a handler with its row of the authorization table (security.md §4). Without an authorizer the
 * handler is returned unchanged (AC-10: every check passes, nothing is added to the request path).
 * A handler without a row cannot be registered while the authorizer is on: an unauthorized API must
 * never be reachable by omission.
 */
export const withAuthorization = (
  handler: ApiHandler,
  authorizer: Authorizer,
  rules: ReadonlyMap<number, AuthorizationRule>,
  deps: AuthorizationDeps,
  log: Logger,
): ApiHandler => {
  if (!authorizer.enabled) return handler;
  const rule = rules.get(handler.apiKey);
  if (rule === undefined) throw new Error(`api key ${handler.apiKey} has no row in the authorization table (src/adapters/kafka/authorization)`);
  return {
    ...handler,
    async handle(request, ctx) {
      // AC-13: no decision before the ACLs are loaded.
      await authorizer.ready();
      const session: Session = { principal: ctx.principal ?? ANONYMOUS_PRINCIPAL, host: ctx.clientAddress ?? ctx.clientHost.replace(/^\//, '') };
      const authz: Authz = {
        can: (resourceType, resourceName, operation) => {
          const ok = authorizer.authorize(session, { resourceType, resourceName, operation });
          // AC-14: denials of explicitly requested resources are logged (no secrets: names only).
          if (!ok) log.info({ principal: session.principal, host: session.host, apiKey: handler.apiKey, resourceType, resourceName, operation }, 'authorization denied');
          return ok;
        },
        canQuietly: (resourceType, resourceName, operation) => authorizer.authorize(session, { resourceType, resourceName, operation }),
        canByResourceType: (operation, resourceType) => authorizer.authorizeByResourceType(session, operation, resourceType),
        operations: (resourceType, resourceName) => authorizer.authorizedOperations(session, resourceType, resourceName),
      };
      return rule(request, { version: ctx.header.apiVersion, authz, ctx, deps }, async (req) => handler.handle(req, ctx));
    },
  };
};
