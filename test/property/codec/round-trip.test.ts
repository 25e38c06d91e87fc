/**
 * Round trip for EVERY (message, version) pair of the schema table, values drawn from arbitraries derived
 * from the same table: decode(encode(x)) deep-equals x and encode(decode(b)) === b. Requests and responses
 * go through whole frames (size prefix + header), so header versions are covered too.
 * CODEC_RUNS sets the runs per pair (default 100); SEED replays a run.
 */
import fc from 'fast-check';
import {
  decodeMessageAt, decodeRequestBody, decodeResponse, encodeMessage, encodeRequest, encodeResponse, MESSAGE_SCHEMAS,
  readRequestHeader,
} from '../../../src/adapters/kafka/protocol';
import { messageArb, versionsOf } from './schema-arbitrary';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
const numRuns = process.env.CODEC_RUNS !== undefined ? Number(process.env.CODEC_RUNS) : 100;
console.log(`codec round-trip: SEED=${seed} CODEC_RUNS=${numRuns}`);

const pairs = MESSAGE_SCHEMAS.flatMap((s) => versionsOf(s).map((v) => [`${s.name} v${v}`, s, v] as const));

const clientIdArb = fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: null });

describe('codec round trip over the whole schema table', () => {
  it('covers every request and response, the headers and the consumer protocol', () => {
    const names = new Set(MESSAGE_SCHEMAS.map((s) => s.name));
    for (const n of ['RequestHeader', 'ResponseHeader', 'ConsumerProtocolSubscription', 'ConsumerProtocolAssignment']) expect(names).toContain(n);
    expect(MESSAGE_SCHEMAS.filter((s) => s.type === 'request')).toHaveLength(44);
    expect(MESSAGE_SCHEMAS.filter((s) => s.type === 'response')).toHaveLength(44);
  });

  it.each(pairs)('%s: decode(encode(x)) = x and encode(decode(b)) = b', (_label, schema, version) => {
    const apiKey = schema.apiKey as number;
    if (schema.type === 'request') {
      fc.assert(fc.property(messageArb(schema, version), fc.integer({ min: -0x80000000, max: 0x7fffffff }), clientIdArb, (x, cid, clientId) => {
        const whole = encodeRequest(apiKey, version, cid, clientId, x);
        expect(whole.readInt32BE(0)).toBe(whole.length - 4);
        const frame = whole.subarray(4);
        const { header, bodyOffset } = readRequestHeader(frame);
        expect(header).toEqual({ apiKey, apiVersion: version, correlationId: cid, clientId });
        const y = decodeRequestBody(apiKey, version, frame, bodyOffset);
        expect(y).toEqual(x);
        expect(encodeRequest(apiKey, version, cid, clientId, y).equals(whole)).toBe(true);
      }), { seed, numRuns });
    } else if (schema.type === 'response') {
      fc.assert(fc.property(messageArb(schema, version), fc.integer({ min: -0x80000000, max: 0x7fffffff }), (x, cid) => {
        const whole = encodeResponse(apiKey, version, cid, x);
        expect(whole.readInt32BE(0)).toBe(whole.length - 4);
        const { correlationId, body } = decodeResponse(apiKey, version, whole.subarray(4));
        expect(correlationId).toBe(cid);
        expect(body).toEqual(x);
        expect(encodeResponse(apiKey, version, cid, body).equals(whole)).toBe(true);
      }), { seed, numRuns });
    } else {
      fc.assert(fc.property(messageArb(schema, version), (x) => {
        const b = encodeMessage(schema.name, version, x);
        const { value, offset } = decodeMessageAt(schema.name, version, b);
        expect(offset).toBe(b.length);
        expect(value).toEqual(x);
        expect(encodeMessage(schema.name, version, value).equals(b)).toBe(true);
      }), { seed, numRuns });
    }
  });
});
