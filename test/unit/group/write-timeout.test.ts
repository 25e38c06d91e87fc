import { ErrorCode } from '../../../src/domain/error-code';
import { makeHarness, settle } from './group-harness';

const commit = (offset: number) => ({
  groupId: 'simple',
  memberId: '',
  groupInstanceId: null,
  generationIdOrMemberEpoch: -1,
  retentionTimeMs: -1,
  apiVersion: 8,
  topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }],
});

describe('GEN-3 write timeout (offsets.commit.timeout.ms)', () => {
  it('GEN-3 a commit not durable within the timeout is answered COORDINATOR_NOT_AVAILABLE; one durable in time is NONE', async () => {
    const h = await makeHarness({ offsetsCommitTimeoutMs: 5000 }, { durableAfter: 'manual' });
    const slow = h.coord.offsetCommit(commit(1));
    await settle();
    h.clock.advance(4999);
    await settle();
    h.log.flush();
    expect((await slow).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);

    const stuck = h.coord.offsetCommit(commit(2));
    await settle();
    h.clock.advance(5000);
    expect((await stuck).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // The write goes on: once durable, the (unacknowledged) commit is visible — "present or absent" are both allowed.
    h.log.flush();
    await settle();
    const fetched = await h.coord.offsetFetch({ groups: [{ groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: false });
    expect(fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(2);
  });
});
