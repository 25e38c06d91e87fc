import * as fs from 'node:fs';
import * as net from 'node:net';
import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

const rssMiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
};

/**
 * T-LOAD-3: clients that pipeline requests with large responses and never read. The broker must
 * stop reading such a socket once its unsent bytes pass the cap (Kafka's channel muting), so its
 * memory stays bounded and other clients are served.
 */
describe('T-LOAD-3 clients that never read', () => {
  let broker: BrokerProcess;
  beforeAll(async () => {
    broker = await startBrokerProcess({ args: ['--socket-send-buffer-cap-bytes', String(256 * 1024)] });
    const admin = await RawClient.connect(broker.port);
    const topics = Array.from({ length: 150 }, (_, i) => ({ name: `wide-topic-with-a-long-name-${i}`, numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }));
    const r = await admin.send(API_KEY.CreateTopics, 3, { topics, timeoutMs: 10000 });
    expect(r.body.topics.every((t: { errorCode: number }) => t.errorCode === 0)).toBe(true);
    admin.close();
  }, 60_000);
  afterAll(async () => {
    await broker.stop();
  });

  it('20 connections × 2,000 pipelined Metadata requests, never read: broker RSS stays bounded and others are served', async () => {
    const frame = encodeRequest(API_KEY.Metadata, 9, 1, 'no-reader', { topics: null, allowAutoTopicCreation: false });
    const blob = Buffer.concat(Array.from({ length: 2000 }, () => frame));
    const before = rssMiB(broker.child.pid!);
    const sockets: net.Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ port: broker.port, host: '127.0.0.1' });
      s.on('error', () => undefined);
      s.pause(); // never read a byte of the responses
      s.write(blob);
      sockets.push(s);
    }
    await sleep(3000);
    const during = rssMiB(broker.child.pid!);
    const unsentOnClients = sockets.reduce((n, s) => n + s.writableLength, 0);
    const probe = await RawClient.connect(broker.port);
    const started = Date.now();
    const res = await probe.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
    const probeMs = Date.now() - started;
    probe.close();
    for (const s of sockets) s.destroy();
    console.log(`T-LOAD-3 rss before=${before.toFixed(0)} MiB during=${during.toFixed(0)} MiB, unsent on clients=${(unsentOnClients / 2 ** 20).toFixed(1)} MiB, probe ${probeMs} ms`);
    expect(res.body.errorCode).toBe(0);
    // Each Metadata answer is ~20 KiB: answering everything would queue ~800 MiB of responses (before the
    // in-flight cap the broker grew by ~430 MiB here); muted connections keep it to the in-flight window.
    expect(during - before).toBeLessThan(200);
    // The broker is still healthy once the non-readers are gone.
    const after = await RawClient.connect(broker.port);
    expect((await after.send(API_KEY.Metadata, 9, { topics: [], allowAutoTopicCreation: false })).body.brokers).toHaveLength(1);
    after.close();
  }, 60_000);
});
