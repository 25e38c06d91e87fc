import { ErrorCode } from '../../../domain/error-code';
import type { InitProducerIdRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const MAX_EPOCH = 32766;

/**
 * InitProducerId v0–v5 for idempotent producers (the Java and librdkafka defaults). Ids are
 * time-seeded and increasing, so an id is not reused across restarts. A known id and epoch (v3+,
 * KIP-360) bumps the epoch. Transactional ids are refused: there is no transaction coordinator.
 */
export const initProducerIdHandler = (now: () => number): ApiHandler => {
  let next = BigInt(now()) * 1000n;
  return {
    apiKey: API_KEY.InitProducerId,
    minVersion: 0,
    maxVersion: 5,
    handle(request: InitProducerIdRequest) {
      if (request.transactionalId !== null && request.transactionalId !== undefined) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
      }
      if (request.producerId >= 0n && request.producerEpoch >= 0 && request.producerEpoch < MAX_EPOCH) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: request.producerId, producerEpoch: request.producerEpoch + 1 };
      }
      const producerId = next++;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    },
  };
};
