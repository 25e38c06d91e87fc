import fc from 'fast-check';
import { encodeResponse, encodeResponsePieces } from '../../../src/adapters/kafka/protocol';

// The server writes a response as pieces (record sets of 4 KiB or more by reference, not copied):
// the pieces joined are byte for byte the frame encodeResponse makes, for every Fetch version.
const fetchBody = (sizes: number[], version: number) => ({
  throttleTimeMs: 0, errorCode: 0, sessionId: version >= 7 ? 7 : 0,
  responses: [{
    topic: version >= 13 ? '' : 't', topicId: version >= 13 ? '8nzYPnEeS8qBdVCv9x3AUQ' : 'AAAAAAAAAAAAAAAAAAAAAA',
    partitions: sizes.map((n, i) => ({
      partitionIndex: i, errorCode: 0, highWatermark: 10n, lastStableOffset: version >= 4 ? 10n : -1n, logStartOffset: 0n,
      abortedTransactions: version >= 4 ? [] : null, preferredReadReplica: -1,  records: n < 0 ? null : Buffer.alloc(n, i + 1),
    })),
  }],
});

describe('response frames as pieces', () => {
  test('GEN round trip: Fetch v4-v16 pieces joined equal the whole frame; the big record sets are the very buffers passed in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 16 }), fc.array(fc.oneof(fc.constant(-1), fc.nat({ max: 100 }), fc.integer({ min: 4000, max: 70000 })), { minLength: 1, maxLength: 5 }), (version, sizes) => {
        const body = fetchBody(sizes, version);
        const whole = encodeResponse(1, version, 42, body);
        const pieces = encodeResponsePieces(1, version, 42, body);
        expect(Buffer.concat(pieces).equals(whole)).toBe(true);
        for (const p of body.responses[0].partitions) {
          if (p.records !== null && p.records.length >= 4096) expect(pieces).toContain(p.records);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('a response without large byte strings is one piece', () => {
    const pieces = encodeResponsePieces(18, 3, 1, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0 });
    expect(pieces).toHaveLength(1);
    expect(pieces[0].equals(encodeResponse(18, 3, 1, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0 }))).toBe(true);
  });
});
