/** The matrix's judges must be able to fail: table tests of the order and split checks the scenarios use. */
interface Rec { p: number; o: number; k: string; v: string }
interface Msg { k: string; v: string }
interface MemberLike { state: { label: string; assignment: number[] | null } }
/* eslint-disable @typescript-eslint/no-require-imports */
const { keyedMessages, orderProblem, splitProblem } = require('./scenarios') as {
  keyedMessages(batch: string, n: number): Msg[];
  orderProblem(recs: Rec[], sent: Msg[]): string | null;
  splitProblem(members: MemberLike[], n: number): string | null;
};

/** Places each key in partition (key number mod 3), offsets in produce order: what a correct broker returns. */
const delivered = (sent: Msg[]): Rec[] => {
  const next = [0, 0, 0];
  return sent.map((m) => {
    const p = Number(m.k.split('-')[1]) % 3;
    return { p, o: next[p]++, k: m.k, v: m.v };
  });
};

const member = (label: string, assignment: number[] | null): MemberLike => ({ state: { label, assignment } });

describe('produce-consume order check', () => {
  const sent = keyedMessages('pc', 60);

  test('accepts every message once, per-partition offsets 0..n-1, per-key produce order', () => {
    expect(orderProblem(delivered(sent), sent)).toBeNull();
  });

  test('accepts partitions interleaved with each other (order is per partition only)', () => {
    const recs = delivered(sent);
    const interleaved = [...recs.filter((r) => r.p === 2), ...recs.filter((r) => r.p !== 2)];
    expect(orderProblem(interleaved, sent)).toBeNull();
  });

  test('rejects a lost message', () => {
    expect(orderProblem(delivered(sent).slice(1), sent)).toMatch(/got 59 of 60/);
  });

  test('rejects a duplicate', () => {
    const recs = delivered(sent);
    expect(orderProblem([...recs, recs[5]!], sent)).toMatch(/delivered twice/);
  });

  test('rejects two records of one partition swapped', () => {
    const recs = delivered(sent).filter((r) => r.p === 0);
    const rest = delivered(sent).filter((r) => r.p !== 0);
    [recs[1], recs[2]] = [recs[2]!, recs[1]!];
    expect(orderProblem([...recs, ...rest], sent)).toMatch(/partition 0: record 1 has offset 2/);
  });

  test('rejects a key split across partitions', () => {
    const recs = delivered(sent).map((r) => (r.v === 'pc:key-0:3' ? { ...r, p: 1 } : r));
    expect(orderProblem(recs, sent)).toMatch(/key key-0 found in partitions/);
  });

  test('rejects offsets in order but per-key sequence reversed', () => {
    const recs = delivered(sent);
    const a = recs.findIndex((r) => r.v === 'pc:key-1:0');
    const b = recs.findIndex((r) => r.v === 'pc:key-1:1');
    const swapped = recs.map((r, i) => (i === a ? { ...r, v: recs[b]!.v } : i === b ? { ...r, v: recs[a]!.v } : r));
    expect(orderProblem(swapped, sent)).toMatch(/key key-1 seq 1 after none/);
  });
});

describe('group split check', () => {
  test('accepts disjoint non-empty assignments covering every partition', () => {
    expect(splitProblem([member('a', [0, 3]), member('b', [1, 4]), member('c', [2, 5])], 6)).toBeNull();
  });

  test('rejects a partition owned by two members', () => {
    expect(splitProblem([member('a', [0, 1, 2]), member('b', [2, 3, 4, 5])], 6)).toBe('partition 2 owned by a and b');
  });

  test('rejects a partition nobody owns', () => {
    expect(splitProblem([member('a', [0, 1]), member('b', [2, 3]), member('c', [4])], 6)).toBe('partition 5 has no owner');
  });

  test('rejects a member without an assignment yet', () => {
    expect(splitProblem([member('a', [0, 1, 2, 3, 4, 5]), member('b', null)], 6)).toBe('b has no partitions');
  });

  test('rejects partitions the topic does not have', () => {
    expect(splitProblem([member('a', [0, 1, 2]), member('b', [3, 4, 5, 6])], 6)).toMatch(/name 7 partitions/);
  });
});
