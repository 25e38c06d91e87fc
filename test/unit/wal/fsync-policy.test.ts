import { parseFsyncPolicy } from '../../../src/adapters/wal/fsync-policy';

describe('fsync policy', () => {
  test.each([
    ['always', { kind: 'always' }],
    ['os', { kind: 'os' }],
    ['interval:200', { kind: 'interval', ms: 200 }],
    ['interval:0', null],
    ['interval:', null],
    ['sometimes', null],
  ])('%s parses to %j', (text, want) => {
    expect(parseFsyncPolicy(text)).toEqual(want);
  });
});
