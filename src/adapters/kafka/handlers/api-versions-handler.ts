import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import type { HandlerRegistry } from '../server/handler-registry';

/** KIP-511 client software names and versions must match this (else INVALID_REQUEST, 42). */
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/**
 * ApiVersions v0–v4: the ranges come from the registry, so only versions implemented end to end are
 * advertised (GEN-10). Versions above ours are answered by the server at v0 (KIP-511).
 */
export const apiVersionsHandler = (registry: HandlerRegistry): ApiHandler => ({
  apiKey: API_KEY.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(request: { clientSoftwareName: string; clientSoftwareVersion: string }, ctx) {
    if (
      ctx.header.apiVersion >= 3 &&
      (!SOFTWARE_FIELD.test(request.clientSoftwareName) || !SOFTWARE_FIELD.test(request.clientSoftwareVersion))
    ) {
      return { errorCode: 42, apiKeys: [], throttleTimeMs: 0 };
    }
    return { errorCode: 0, apiKeys: registry.ranges(), throttleTimeMs: 0 };
  },
});
