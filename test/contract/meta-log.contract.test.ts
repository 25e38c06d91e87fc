import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { MetaEvent } from '../../src/domain/meta-event';
import { CrashFileSystem } from '../fakes/crash-file-system';
import { FileMetaLog } from '../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../src/adapters/wal/node-file-system';
import type { FileSystem } from '../../src/ports/file-system';
import { MetaLogError, type MetaLog } from '../../src/ports/meta-log';
import { connect, type NatsConnection } from 'nats';
import { JetStreamMetaLog } from '../../src/adapters/jetstream/jetstream-meta-log';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';

// Issue 15: the same contract on JetStream (a 3-node cluster on loopback, R3 streams).
let nats: NatsCluster | null = null;
let streams = 0;
beforeAll(async () => {
  nats = await startNatsCluster(3);
}, 60_000);
afterAll(async () => {
  await nats?.stop();
});

/**
 * The MetaLog port contract (src/ports/meta-log.ts), run against every adapter: FileMetaLog on the
 * real file system (a temp dir) and on CrashFS, under each fsync policy.
 */
interface Harness {
  /** A fresh MetaLog over the same directory (a restart). */
  reopen(options?: { segmentBytes?: number }): MetaLog;
  cleanup(): void | Promise<void>;
}

const commit = (i: number, groupId = 'g'): MetaEvent => ({
  type: 'OffsetCommitted',
  groupId,
  topic: `topic-${i % 3}`,
  partition: i % 4,
  offset: i,
  leaderEpoch: -1,
  metadata: `m${i}`,
  commitTimestamp: 1_700_000_000_000 + i,
  expireTimestamp: null,
});

const readAll = async (log: MetaLog, from = 0): Promise<Array<[number, MetaEvent]>> => {
  const out: Array<[number, MetaEvent]> = [];
  await log.replay(from, (e, p) => out.push([p, e]));
  return out;
};

const adapters: Array<[string, (fsync: string) => Harness | Promise<Harness>]> = [
  [
    'FileMetaLog on the Node FS',
    (fsync) => {
      const dir = mkdtempSync(join(tmpdir(), 'cohort-metalog-'));
      const fs = new NodeFileSystem();
      return {
        reopen: (o) => new FileMetaLog(fs, { dir: join(dir, 'log'), fsync, segmentBytes: o?.segmentBytes ?? 4096 }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'FileMetaLog on CrashFS',
    (fsync) => {
      const fs: FileSystem = new CrashFileSystem();
      return {
        reopen: (o) => new FileMetaLog(fs, { dir: '/data/log', fsync, segmentBytes: o?.segmentBytes ?? 4096 }),
        cleanup: () => undefined,
      };
    },
  ],
  [
    'JetStreamMetaLog on a 3-node JetStream cluster (R3)',
    async () => {
      const stream = `CONTRACT_${process.pid}_${++streams}`;
      const nc: NatsConnection = await connect({ servers: nats!.servers });
      const js = nc.jetstream();
      const jsm = await nc.jetstreamManager();
      return {
        // A restart is a new adapter over the same stream (it knows nothing but what it replays).
        reopen: () => new JetStreamMetaLog({ js, jsm, stream, subject: `contract.${stream}`, replicas: 3, owner: 'test:1' }),
        cleanup: async () => {
          await jsm.streams.delete(stream).catch(() => undefined);
          await nc.close();
        },
      };
    },
  ],
];

describe.each(adapters)('MetaLog contract: %s', (_name, make) => {
  describe.each(['always', 'interval:5', 'os'])('fsync=%s', (fsync) => {
    let h: Harness;
    beforeEach(async () => {
      h = await make(fsync);
    });
    afterEach(() => h.cleanup());

    test('an empty log replays nothing and starts at position 0', async () => {
      const log = h.reopen();
      expect(await log.replay(0, () => { throw new Error('no events expected'); })).toBe(0);
      expect(log.nextPosition()).toBe(0);
      await log.close();
    });

    test('append resolves with the position of the first event; positions are dense', async () => {
      const log = h.reopen();
      await log.replay(0, () => undefined);
      expect(await log.append([commit(0), commit(1)])).toBe(0);
      expect(await log.append([commit(2)])).toBe(2);
      expect(log.nextPosition()).toBe(3);
      await log.close();
    });

    test('appends made in one turn resolve in order with consecutive positions (group commit)', async () => {
      const log = h.reopen();
      await log.replay(0, () => undefined);
      const order: number[] = [];
      const all = Array.from({ length: 20 }, (_, i) => log.append([commit(2 * i), commit(2 * i + 1)]).then((p) => (order.push(i), p)));
      expect(await Promise.all(all)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
      expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
      await log.close();
    });

    test('PE-10 deferrable and plain appends interleaved resolve in order with dense positions, and all replay after a restart', async () => {
      const log = h.reopen();
      await log.replay(0, () => undefined);
      const order: number[] = [];
      const all = Array.from({ length: 12 }, (_, i) =>
        log.append([commit(i)], i % 3 === 2 ? undefined : { deferrable: true }).then((p) => (order.push(p), p)),
      );
      const lastSoft = log.append([commit(12)], { deferrable: true }).then((p) => (order.push(p), p));
      expect(await Promise.all([...all, lastSoft])).toEqual(Array.from({ length: 13 }, (_, i) => i));
      expect(order).toEqual(Array.from({ length: 13 }, (_, i) => i));
      await log.close();
      const again = h.reopen();
      expect((await readAll(again)).map(([p]) => p)).toEqual(Array.from({ length: 13 }, (_, i) => i));
      await again.close();
    });

    test('after a restart, replay gives every appended event in order, from 0 and from the middle', async () => {
      const log = h.reopen({ segmentBytes: 1024 });
      await log.replay(0, () => undefined);
      const events = Array.from({ length: 120 }, (_, i) => commit(i));
      for (let i = 0; i < events.length; i += 3) await log.append(events.slice(i, i + 3));
      await log.close();

      const again = h.reopen({ segmentBytes: 1024 });
      expect(await readAll(again)).toEqual(events.map((e, i) => [i, e]));
      expect(await readAll(again, 77)).toEqual(events.slice(77).map((e, i) => [77 + i, e]));
      expect(await again.replay(120, () => undefined)).toBe(120);
      expect(again.nextPosition()).toBe(120);
      expect(await again.append([commit(999)])).toBe(120);
      await again.close();

      const third = h.reopen({ segmentBytes: 1024 });
      const all = await readAll(third);
      expect(all).toHaveLength(121);
      expect(all[120]).toEqual([120, commit(999)]);
      await third.close();
    });

    test('any plain-data event round-trips (bytes, nulls, nesting, unicode)', async () => {
      const odd = {
        type: 'MemberJoined',
        groupId: 'grüppe-😀',
        memberId: 'm-1',
        instanceId: null,
        clientId: '',
        clientHost: '/127.0.0.1',
        rebalanceTimeoutMs: 300000,
        sessionTimeoutMs: 45000,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: new Uint8Array([0, 1, 2, 255]) }],
        extra: { nested: [1.5, -0, 2 ** 40, -7, true, false, null, 'x'.repeat(500)] },
      } as unknown as MetaEvent;
      const log = h.reopen();
      await log.replay(0, () => undefined);
      await log.append([odd, odd]);
      await log.close();
      const again = h.reopen();
      expect(await readAll(again)).toEqual([[0, odd], [1, odd]]);
      await again.close();
    });

    test('truncateBefore never deletes a record at or above the position', async () => {
      const log = h.reopen({ segmentBytes: 512 });
      await log.replay(0, () => undefined);
      for (let i = 0; i < 100; i++) await log.append([commit(i)]);
      await log.truncateBefore(60);
      expect((await readAll(log, 60)).map(([p]) => p)).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
      await log.close();
      const again = h.reopen({ segmentBytes: 512 });
      expect((await readAll(again, 60)).map(([p]) => p)).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
      // Whole segments below 60 are gone, so replay from 0 must refuse rather than skip silently.
      await expect(again.replay(0, () => undefined)).rejects.toBeInstanceOf(MetaLogError);
      await again.close();
    });

    test('close flushes pending appends; appends after close reject with MetaLogError', async () => {
      const log = h.reopen();
      await log.replay(0, () => undefined);
      const pending = log.append([commit(1)]);
      await log.close();
      expect(await pending).toBe(0);
      await expect(log.append([commit(2)])).rejects.toBeInstanceOf(MetaLogError);
      const again = h.reopen();
      expect(await readAll(again)).toEqual([[0, commit(1)]]);
      await again.close();
    });
  });
});
