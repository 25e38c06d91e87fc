/**
 * Whatever bytes arrive, decoding either succeeds or throws DecodeError: never a RangeError or TypeError
 * (the server maps DecodeError to closing the connection). Random bytes, and valid frames cut short or
 * with one byte flipped, for every request and response version. CODEC_RUNS / SEED as in round-trip.
 */
import fc from 'fast-check';
import {
  decodeConsumerAssignment, decodeConsumerSubscription, decodeRequestBody, decodeResponse, DecodeError, encodeRequest,
  encodeResponse, MESSAGE_SCHEMAS, readRequestHeader,
} from '../../../src/adapters/kafka/protocol';
import { messageArb, versionsOf } from './schema-arbitrary';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
const numRuns = Math.max(1, Math.floor((process.env.CODEC_RUNS !== undefined ? Number(process.env.CODEC_RUNS) : 100) / 4));
console.log(`codec hostile-input: SEED=${seed} runs/pair=${numRuns}`);

function onlyDecodeErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
  }
}

const apis = MESSAGE_SCHEMAS.filter((s) => s.type === 'request' || s.type === 'response')
  .flatMap((s) => versionsOf(s).map((v) => [`${s.name} v${v}`, s, v] as const));

describe('hostile input only ever raises DecodeError', () => {
  it('random bytes as a request frame, a response frame and consumer protocol bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
      const b = Buffer.from(a);
      onlyDecodeErrors(() => {
        const { header, bodyOffset } = readRequestHeader(b);
        decodeRequestBody(header.apiKey, header.apiVersion, b, bodyOffset);
      });
      onlyDecodeErrors(() => decodeConsumerSubscription(b));
      onlyDecodeErrors(() => decodeConsumerAssignment(b));
    }), { seed, numRuns: numRuns * 40 });
  });

  it.each(apis)('%s: truncated or corrupted frames', (_label, schema, version) => {
    const apiKey = schema.apiKey as number;
    const isRequest = schema.type === 'request';
    fc.assert(fc.property(messageArb(schema, version), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (x, cut, at, xor) => {
      const whole = isRequest ? encodeRequest(apiKey, version, 1, 'c', x) : encodeResponse(apiKey, version, 1, x);
      const frame = Buffer.from(whole.subarray(4));
      const decode = (f: Buffer) => {
        if (isRequest) decodeRequestBody(apiKey, version, f, readRequestHeader(f).bodyOffset);
        else decodeResponse(apiKey, version, f);
      };
      onlyDecodeErrors(() => decode(frame.subarray(0, cut % (frame.length + 1))));
      const flipped = Buffer.from(frame);
      flipped[at % flipped.length] ^= xor;
      onlyDecodeErrors(() => decode(flipped));
    }), { seed, numRuns });
  });
});
