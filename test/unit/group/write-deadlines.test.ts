import * as fc from 'fast-check';
import { WriteDeadlines, type WriteOutcome } from '../../../src/application/group/write-deadlines';
import { FakeClock } from '../../fakes/fake-clock';

const settle = () => new Promise<void>((r) => setImmediate(r));

/** A write the test settles by hand. */
const manualWrite = () => {
  let done!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (done = r));
  return { promise, done };
};

describe('GEN-3 write deadlines: one Scheduler timer for every commit in flight', () => {
  it('GEN-3 a write settled in time answers durable/failed; one still pending at its deadline answers timeout, never earlier', async () => {
    const clock = new FakeClock();
    const d = new WriteDeadlines(clock, 'k');
    const a = manualWrite();
    const ra = d.race(a.promise, 5000);
    clock.advance(1000);
    const b = manualWrite();
    const rb = d.race(b.promise, 5000);
    const c = manualWrite();
    const rc = d.race(c.promise, 5000);
    expect(clock.scheduledKeys()).toEqual(['k']);
    a.done(true);
    await settle();
    await expect(ra).resolves.toBe('durable');
    clock.advance(4999); // b and c due at 6000; now 5999 (a's sweep at 5000 re-armed for b)
    c.done(false);
    await settle();
    await expect(rc).resolves.toBe('failed');
    let bOutcome: WriteOutcome | null = null;
    void rb.then((o) => (bOutcome = o));
    await settle();
    expect(bOutcome).toBeNull();
    clock.advance(1);
    await settle();
    expect(bOutcome).toBe('timeout');
    b.done(true); // the write goes on; its late success changes nothing
    await settle();
    expect(bOutcome).toBe('timeout');
    expect(d.pending).toBe(0);
    expect(clock.scheduledKeys()).toEqual([]);
  });

  it('GEN-3 property: each race ends as its write settles if that is before its deadline, else timeout', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ startAt: fc.integer({ min: 0, max: 50 }), settleAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }), ok: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        async (specs) => {
          const clock = new FakeClock(0);
          const d = new WriteDeadlines(clock, 'k');
          const timeout = 100;
          const sorted = [...specs].sort((x, y) => x.startAt - y.startAt);
          const outcomes: Array<WriteOutcome | null> = sorted.map(() => null);
          const writes = sorted.map(() => manualWrite());
          // Events on a timeline of 1 ms steps: starts, settles; the deadline check comes from the clock.
          for (let t = 0; t <= 300; t++) {
            if (t > 0) clock.advance(1);
            sorted.forEach((s, i) => {
              if (s.startAt === t) void d.race(writes[i]!.promise, timeout).then((o) => (outcomes[i] = o));
              if (s.settleAfter !== undefined && s.startAt + s.settleAfter === t) writes[i]!.done(s.ok);
            });
            await settle();
          }
          sorted.forEach((s, i) => {
            const inTime = s.settleAfter !== undefined && s.settleAfter < timeout;
            expect(outcomes[i]).toBe(inTime ? (s.ok ? 'durable' : 'failed') : 'timeout');
          });
          expect(d.pending).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
