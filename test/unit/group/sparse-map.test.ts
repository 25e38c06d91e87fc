import { SparseMap, SparseSet } from '../../../src/domain/group/sparse-map';

/** Issue 14 (C5): an empty SparseMap / SparseSet holds no table, so equal contents are equal values. */
describe('SparseMap and SparseSet', () => {
  test('a map allocates its table with the first entry and drops it when the last one goes', () => {
    const m = new SparseMap<string, string>();
    expect([m.size, m.get('i'), m.has('i'), [...m], m.table]).toEqual([0, undefined, false, [], null]);
    m.set('i', 'a').set('j', 'b');
    expect([m.size, m.get('i'), m.has('j'), [...m]]).toEqual([2, 'a', true, [['i', 'a'], ['j', 'b']]]);
    expect(m.delete('x')).toBe(false);
    expect(m.delete('i')).toBe(true);
    expect(m.delete('j')).toBe(true);
    expect(m.table).toBeNull();
    m.set('k', 'c');
    m.clear();
    expect(m).toEqual(new SparseMap());
  });

  test('a set does the same', () => {
    const s = new SparseSet<string>();
    expect([s.size, s.has('a'), [...s], s.table]).toEqual([0, false, [], null]);
    s.add('a').add('b').add('a');
    expect([s.size, s.has('b'), [...s]]).toEqual([2, true, ['a', 'b']]);
    s.delete('a');
    s.delete('b');
    expect(s).toEqual(new SparseSet());
    s.add('c');
    expect(s).not.toEqual(new SparseSet());
    s.clear();
    expect(s.table).toBeNull();
  });
});
