import { javaStringHashCode, shardOf } from '../../../src/domain/cluster/shard-of';

describe('issue 15: shardOf is Kafka\'s __consumer_offsets partition of a group id', () => {
  test('Java String.hashCode over UTF-16 code units', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // A surrogate pair counts as two code units, as in Java.
    expect(javaStringHashCode('😀')).toBe(0xd83d * 31 + 0xde00);
  });

  test('Utils.abs maps Integer.MIN_VALUE to 0 ("polygenelubricants".hashCode() == MIN_VALUE)', () => {
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(shardOf('polygenelubricants', 50)).toBe(0);
  });

  test('abs(hash) % n for negative hashes', () => {
    const h = javaStringHashCode('console-consumer-1234');
    expect(shardOf('console-consumer-1234', 50)).toBe(Math.abs(h) % 50);
    expect(shardOf('hello', 50)).toBe(99162322 % 50);
  });
});
