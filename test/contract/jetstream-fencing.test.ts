import { connect, type NatsConnection } from 'nats';
import type { MetaEvent } from '../../src/domain/meta-event';
import { FENCED, JetStreamMetaLog, NOT_OWNER } from '../../src/adapters/jetstream/jetstream-meta-log';
import { MetaLogError } from '../../src/ports/meta-log';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';

/**
 * Issue 15 fencing, at the adapter: a shard's new owner replays and fences the stream; from then on
 * every append of the deposed owner is refused (FENCED) and fails its log, while the new owner's
 * appends continue the positions. A read-only copy (a follower of the metadata shard) rejects
 * appends without failing.
 */
let nats: NatsCluster;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNatsCluster(3);
  nc = await connect({ servers: nats.servers });
}, 60_000);
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

const commit = (offset: number): MetaEvent => ({
  type: 'OffsetCommitted', groupId: 'g', topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null,
});

const open = async (owner: string, readOnly = false) =>
  new JetStreamMetaLog({ js: nc.jetstream(), jsm: await nc.jetstreamManager(), stream: 'FENCING', subject: 'fencing.s', replicas: 3, owner, readOnly });

test('issue 15: the deposed owner\'s append after the new owner\'s fence is refused; the new owner continues', async () => {
  const old = await open('1:1');
  await old.replay(0, () => undefined);
  await old.fence();
  expect(await old.append([commit(1)])).toBe(0);
  const next = await open('2:5');
  const seen: MetaEvent[] = [];
  await next.replay(0, (e) => seen.push(e));
  expect(seen).toEqual([commit(1)]);
  await next.fence();
  const refused = old.append([commit(2)]);
  await expect(refused).rejects.toBeInstanceOf(MetaLogError);
  await expect(refused).rejects.toMatchObject({ code: FENCED });
  // Fail-stop: the deposed log refuses everything afterwards.
  await expect(old.append([commit(3)])).rejects.toMatchObject({ code: FENCED });
  expect(await next.append([commit(4)])).toBe(1);
  const check = await open('3:9');
  const all: MetaEvent[] = [];
  await check.replay(0, (e) => all.push(e));
  expect(all).toEqual([commit(1), commit(4)]);
});

test('issue 15: a read-only copy rejects appends (NOT_OWNER) and keeps replaying the tail', async () => {
  const follower = await open('9:0', true);
  await follower.replay(0, () => undefined);
  await expect(follower.append([commit(5)])).rejects.toMatchObject({ code: NOT_OWNER });
  const writer = await open('4:1');
  await writer.replay(0, () => undefined);
  await writer.fence();
  await writer.append([commit(6)]);
  const tail: MetaEvent[] = [];
  await follower.replay(follower.nextPosition(), (e) => tail.push(e));
  expect(tail).toEqual([commit(6)]);
});
