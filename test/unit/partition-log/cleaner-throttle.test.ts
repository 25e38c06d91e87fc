import { IoThrottle } from '../../../src/adapters/partition-log/cleaner-throttle';
import { LogCleanerService } from '../../../src/application/log-cleaner-service';
import type { TopicService } from '../../../src/application/topic-service';
import type { CleaningContext, PartitionLog } from '../../../src/ports/partition-log';
import type { Logger } from '../../../src/ports/logger';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
/** Keeps the event loop (this test's "cleaner") busy for `ms`. */
const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('log cleaner pacing (issue 13: log-cleaner-max-loop-percent)', () => {
  test('work in a pass still pauses for (1 − share) / share of it', async () => {
    const t = new IoThrottle(() => Infinity, () => 0.25, 4);
    t.startPass();
    spin(20);
    const started = performance.now();
    await t.acquire(1);
    // 20 ms of work at a 25 % share: about 60 ms of pause.
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
  });

  test('idle time before a pass is not counted as work: the first acquire does not pause for it', async () => {
    const t = new IoThrottle(() => Infinity, () => 0.25, 4);
    await sleep(150);
    t.startPass();
    const started = performance.now();
    await t.acquire(1);
    // Counted from construction, 150 ms of idle time made a ~450 ms pause.
    expect(performance.now() - started).toBeLessThan(50);
  });

  test('the service starts each pass on the throttle: after idle rounds a pass is not held back by them', async () => {
    let calls = 0;
    let waited = -1;
    const log = {
      compact: async (ctx: CleaningContext) => {
        calls++;
        // Six rounds with nothing due (no acquire, ~300 ms of backoff), then one that cleans.
        if (calls === 7) {
          const started = performance.now();
          await ctx.throttle.acquire(1);
          waited = performance.now() - started;
        }
        return null;
      },
    } as unknown as PartitionLog;
    const topics = {
      compactedPartitions: () => [{ topic: 't', partition: 0 }],
      partitionLog: () => Promise.resolve(log),
    } as unknown as TopicService;
    const service = new LogCleanerService(topics, new IoThrottle(() => Infinity, () => 0.25, 4), () => Date.now(), silent, {
      backoffMs: () => 50,
      firstUnstableOffset: () => null,
    });
    service.start();
    const deadline = Date.now() + 5000;
    while (waited < 0 && Date.now() < deadline) await sleep(20);
    await service.stop();
    expect(calls).toBeGreaterThanOrEqual(7);
    // The previous code counted the ~300 ms of idle rounds as work: a ~900 ms pause.
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(100);
  });
});
