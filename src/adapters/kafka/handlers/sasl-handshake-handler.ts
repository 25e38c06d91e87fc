import { ErrorCode } from '../../../domain/error-code';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * SaslHandshake v0–v1 as the request handler sees it: only after authentication, or on a PLAINTEXT/SSL
 * listener, where Kafka answers ILLEGAL_SASL_STATE and keeps the connection (SA-7). The handshake of a
 * SASL listener is run by the connection's SaslAuthenticator before any handler is reached.
 */
export const saslHandshakeHandler = (): ApiHandler => ({
  apiKey: API_KEY.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle: () => ({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }),
});

/** SaslAuthenticate v0–v2 after authentication, or on a listener without SASL (SA-7). */
export const saslAuthenticateHandler = (): ApiHandler => ({
  apiKey: API_KEY.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  handle: () => ({
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received after successful authentication',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0n,
  }),
});
