import { ErrorCode } from '../../../domain/error-code';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { InitProducerIdRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * InitProducerId v0–v5 (TX-40…TX-48). Idempotent producers get a fresh id from a durable block
 * (EV-2); transactional ids go through the transaction coordinator (epoch bump, KIP-360 recovery,
 * fencing of an ongoing transaction). v < 4 cannot carry PRODUCER_FENCED: INVALID_PRODUCER_EPOCH.
 */
export const initProducerIdHandler = (txns: TransactionCoordinator): ApiHandler => ({
  apiKey: API_KEY.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request: InitProducerIdRequest, ctx) {
    const version = ctx.header.apiVersion;
    const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    // TX-40: exactly one of (pid, epoch) given is malformed.
    if ((request.producerId === -1n) !== (request.producerEpoch === -1)) return fail(ErrorCode.INVALID_REQUEST);
    const txnId = request.transactionalId ?? null;
    const r = await txns.initProducerId(txnId, request.transactionTimeoutMs, request.producerId, request.producerEpoch);
    const errorCode = r.errorCode === ErrorCode.PRODUCER_FENCED && version < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
  },
});
