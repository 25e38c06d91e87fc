import { ErrorCode } from '../../../domain/error-code';
import { SCRAM_MECHANISM_BY_CODE, type ScramAlteration } from '../../../domain/security/decide-credentials';
import type { SecurityService } from '../../../application/security-service';
import { hashOf, keysFromSaltedPassword } from '../../security/scram-formatter';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** DescribeUserScramCredentials v0 (CR-1, CR-2): mechanisms and iterations only, never salts or keys. */
export const describeUserScramCredentialsHandler = (security: SecurityService): ApiHandler => ({
  apiKey: API_KEY.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request: { users: { name: string }[] | null }) {
    const results = security.describeScramCredentials(request.users === null ? null : request.users.map((u) => u.name));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: results.map((r) => ({
        user: r.user, errorCode: r.error?.code ?? ErrorCode.NONE, errorMessage: r.error?.message ?? null, credentialInfos: r.credentials,
      })),
    };
  },
});

/**
 * AlterUserScramCredentials v0 (CR-3..CR-7): the client sends salt and salted password; only
 * StoredKey and ServerKey derived from them are kept, and logins see them once this answers.
 */
export const alterUserScramCredentialsHandler = (security: SecurityService): ApiHandler => ({
  apiKey: API_KEY.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request: {
    deletions: { name: string; mechanism: number }[];
    upsertions: { name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }[];
  }) {
    const alterations: ScramAlteration[] = [
      ...request.deletions.map((d): ScramAlteration => ({ kind: 'delete', name: d.name, mechanism: d.mechanism, iterations: 0, credential: null })),
      ...request.upsertions.map((u): ScramAlteration => {
        const mechanism = SCRAM_MECHANISM_BY_CODE[u.mechanism];
        if (mechanism === undefined) return { kind: 'upsert', name: u.name, mechanism: u.mechanism, iterations: u.iterations, credential: null };
        const keys = keysFromSaltedPassword(u.saltedPassword, hashOf(mechanism));
        return {
          kind: 'upsert', name: u.name, mechanism: u.mechanism, iterations: u.iterations,
          credential: { name: u.name, mechanism, iterations: u.iterations, salt: Uint8Array.from(u.salt), storedKey: Uint8Array.from(keys.storedKey), serverKey: Uint8Array.from(keys.serverKey) },
        };
      }),
    ];
    const results = await security.alterScramCredentials(alterations);
    return { throttleTimeMs: 0, results: results.map((r) => ({ user: r.user, errorCode: r.error?.code ?? ErrorCode.NONE, errorMessage: r.error?.message ?? null })) };
  },
});
