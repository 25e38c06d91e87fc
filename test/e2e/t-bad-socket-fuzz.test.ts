import * as net from 'node:net';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/* eslint-disable @typescript-eslint/no-require-imports */
const kafkajsFrames = (require('../fixtures/codec/kafkajs-requests.json') as { hex: string }[]).map((f) => Buffer.from(f.hex, 'hex'));
const kcatFrames = (require('../fixtures/codec/kcat-requests.json') as { frames: { hex: string }[] }).frames.map((f) => Buffer.from(f.hex, 'hex'));
const CORPUS = [...kafkajsFrames, ...kcatFrames];
const FRAMES = Number(process.env.BAD4_FRAMES ?? 10_000);
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);

const rng = (() => {
  let s = SEED >>> 0 || 7;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0x100000000);
})();
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** One mutated frame body (reliability.md T-BAD-2 mutations), returned with its size prefix. */
const mutate = (body: Buffer): Buffer => {
  const b = Buffer.from(body);
  switch (Math.floor(rng() * 8)) {
    case 0: // bit flips
      for (let i = 0; i < 1 + rng() * 4; i++) b[Math.floor(rng() * b.length)]! ^= 1 << Math.floor(rng() * 8);
      break;
    case 1: // truncation
      return withSize(b.subarray(0, Math.floor(rng() * b.length)));
    case 2: // unknown api key / unsupported version
      b.writeInt16BE(pick([-1, 99, 1000, 32767]), rng() < 0.5 ? 0 : 2);
      break;
    case 3: // a length or count field somewhere set to a hostile value
      if (b.length > 14) b.writeInt32BE(pick([-2, -1, 0x7fffffff, 0x8000, b.length + 1]), 10 + Math.floor(rng() * (b.length - 14)));
      break;
    case 4: // non-terminating varint
      return withSize(Buffer.concat([b.subarray(0, Math.min(b.length, 12)), Buffer.alloc(64, 0xff)]));
    case 5: // invalid UTF-8 in the client id
      if (b.length > 12) Buffer.from([0xc3, 0x28, 0xed, 0xa0]).copy(b, 10);
      break;
    case 6: // trailing garbage
      return withSize(Buffer.concat([b, Buffer.alloc(1 + Math.floor(rng() * 64), 0xab)]));
    default: // a lying size prefix
      return Buffer.concat([sizeOf(pick([-1, 0, 1, 0x7fffffff, b.length + 1, b.length - 1])), b]);
  }
  return withSize(b);
};
const sizeOf = (n: number) => {
  const s = Buffer.alloc(4);
  s.writeInt32BE(n);
  return s;
};
const withSize = (b: Buffer) => Buffer.concat([sizeOf(b.length), b]);

/**
 * T-BAD-4 (CI size) and T-BAD-3 against the real process under a 128 MiB heap: mutated frames over
 * 100 connections and allocation bombs never crash the broker; an ApiVersions probe works
 * afterwards and SIGTERM still exits 0.
 */
describe('T-BAD-3/T-BAD-4 hostile input against the real process (--max-old-space-size=128)', () => {
  let broker: BrokerProcess;
  beforeAll(async () => {
    broker = await startBrokerProcess({ env: { NODE_OPTIONS: '--max-old-space-size=128' } });
  });
  afterAll(async () => {
    await broker.stop('SIGKILL');
  });

  it(`${FRAMES} mutated frames over 100 connections: no crash (seed ${SEED})`, async () => {
    console.log(`T-BAD-4 seed=${SEED} frames=${FRAMES}`);
    let sent = 0;
    const worker = async () => {
      while (sent < FRAMES) {
        const s = net.connect({ port: broker.port, host: '127.0.0.1' });
        s.on('error', () => undefined);
        s.resume();
        await new Promise<void>((r) => s.once('connect', () => r()).once('error', () => r()));
        for (let i = 0; i < 10 && sent < FRAMES; i++, sent++) s.write(mutate(pick(CORPUS)));
        await sleep(5);
        s.destroy();
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    expect(broker.child.exitCode).toBeNull();
    const probe = await RawClient.connect(broker.port);
    expect((await probe.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
    probe.close();
  }, 120_000);

  it.each<[string, () => Buffer]>([
    ['an array of 2^31-1 elements', () => withSize(Buffer.concat([Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0, 0]), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(60_000)]))],
    ['20M tagged fields in a flexible header', () => withSize(Buffer.concat([Buffer.from([0, 18, 0, 3, 0, 0, 0, 1, 0, 0]), Buffer.from([0x80, 0xda, 0xc4, 0x09]), Buffer.alloc(60_000)]))],
    ['a string of length 0x7fff+1', () => withSize(Buffer.concat([Buffer.from([0, 10, 0, 0, 0, 0, 0, 1, 0x80, 0x00]), Buffer.alloc(60_000, 0x41)]))],
    ['10^6 empty structs in a 1 MB frame', () => withSize(Buffer.concat([Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0, 0]), Buffer.from([0x00, 0x0f, 0x42, 0x40]), Buffer.alloc(1_000_000)]))],
  ])('T-BAD-3 allocation bomb: %s — connection closed, broker alive', async (_name, bomb) => {
    const c = await RawClient.connect(broker.port);
    c.writeRaw(bomb());
    expect(await c.closedWithin(5000)).toBe(true);
    const probe = await RawClient.connect(broker.port);
    expect((await probe.send(API_KEY.ApiVersions, 0, {})).body.errorCode).toBe(0);
    probe.close();
  });

  it('SIGTERM still exits 0 after all of it', async () => {
    expect(await broker.stop('SIGTERM')).toBe(0);
  });
});
