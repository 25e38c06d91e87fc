/**
 * The consumer protocol's embedded bytes (JoinGroup metadata, SyncGroup assignment): int16 version + a
 * never-flexible struct; versions above the highest known decode as the highest (prefix-compatible).
 */
import {
  decodeConsumerAssignment, decodeConsumerSubscription, DecodeError, encodeConsumerAssignment, encodeConsumerSubscription,
} from '../../../src/adapters/kafka/protocol';

describe('consumer protocol', () => {
  const sub = {
    topics: ['a', 'b'], userData: Buffer.from([9]), ownedPartitions: [{ topic: 'a', partitions: [0, 2] }], generationId: 4, rackId: 'r1',
  };

  it('subscription v3 round-trips every field', () => {
    expect(decodeConsumerSubscription(encodeConsumerSubscription(3, sub))).toEqual({ version: 3, ...sub });
  });

  it('subscription v0 gets defaults for the later fields (GenerationId -1, RackId null)', () => {
    const b = encodeConsumerSubscription(0, { topics: ['a'], userData: null });
    expect(b.toString('hex')).toBe('0000' + '00000001' + '000161' + 'ffffffff');
    expect(decodeConsumerSubscription(b)).toEqual({ version: 0, topics: ['a'], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  });

  it('a version above the known max decodes as the max and ignores the trailing fields', () => {
    const v3 = encodeConsumerSubscription(3, sub);
    const v7 = Buffer.concat([Buffer.from([0, 7]), v3.subarray(2), Buffer.from('future fields')]);
    expect(decodeConsumerSubscription(v7)).toEqual({ version: 7, ...sub });
  });

  it('kafkajs metadata labelled v1 but laid out as v0 decodes with v1 defaults', () => {
    // kafkajs 2.2.4 MemberMetadata.encode({ version: 1, topics: ['orders'], userData: <empty> })
    const b = Buffer.from('00010000000100066f726465727300000000', 'hex');
    expect(decodeConsumerSubscription(b)).toEqual({
      version: 1, topics: ['orders'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null,
    });
  });

  it('assignment round-trips and decodes kafkajs MemberAssignment bytes', () => {
    const a = { assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }], userData: Buffer.alloc(0) };
    expect(decodeConsumerAssignment(encodeConsumerAssignment(1, a))).toEqual({ version: 1, ...a });
    // kafkajs 2.2.4 MemberAssignment.encode({ version: 1, assignment: { orders: [0, 2] }, userData: <empty> })
    const kafkajs = Buffer.from('00010000000100066f726465727300000002000000000000000200000000', 'hex');
    expect(decodeConsumerAssignment(kafkajs)).toEqual({ version: 1, ...a });
  });

  it('negative versions and truncated bytes fail with DecodeError', () => {
    expect(() => decodeConsumerSubscription(Buffer.from('ffff', 'hex'))).toThrow(DecodeError);
    expect(() => decodeConsumerAssignment(Buffer.from('0000000000', 'hex'))).toThrow(DecodeError);
    expect(() => decodeConsumerSubscription(Buffer.alloc(1))).toThrow(DecodeError);
  });
});
