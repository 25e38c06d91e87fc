import { TimerHeapScheduler } from '../../../src/adapters/system/timer-heap-scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (bounded) until `cond` holds: timers only promise "no earlier than", so a loaded CI machine may be late. */
const until = async (cond: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await sleep(5);
};

describe('TimerHeapScheduler (Scheduler port on one heap + one Node timer)', () => {
  it('fires in deadline order, replaces a re-armed key, and cancel disarms', async () => {
    const s = new TimerHeapScheduler();
    const fired: string[] = [];
    s.schedule('b', 30, () => fired.push('b'));
    s.schedule('a', 10, () => fired.push('a'));
    s.schedule('c', 20, () => fired.push('c-old'));
    s.schedule('c', 25, () => fired.push('c'));
    s.schedule('d', 5, () => fired.push('d'));
    s.cancel('d');
    expect(s.isScheduled('c')).toBe(true);
    await until(() => fired.length >= 3);
    await sleep(20);
    expect(fired).toEqual(['a', 'c', 'b']);
    expect(s.isScheduled('c')).toBe(false);
  });

  it('handles 100k re-arms cheaply (heartbeat churn) and fires each key once', async () => {
    const s = new TimerHeapScheduler();
    let count = 0;
    for (let i = 0; i < 100_000; i++) s.schedule(`k${i % 1000}`, 5 + (i % 7), () => count++);
    await until(() => count >= 1000);
    await sleep(20);
    expect(count).toBe(1000);
  });

  it('a callback may schedule another timer', async () => {
    const s = new TimerHeapScheduler();
    const fired: number[] = [];
    s.schedule('x', 1, () => {
      fired.push(1);
      s.schedule('x', 1, () => fired.push(2));
    });
    await until(() => fired.length >= 2);
    expect(fired).toEqual([1, 2]);
  });
});

describe('TimerHeapScheduler re-arm in place', () => {
  it('re-arming a key to a later or earlier deadline keeps heap order', async () => {
    const s = new TimerHeapScheduler();
    const fired: string[] = [];
    for (const k of ['a', 'b', 'c', 'd']) s.schedule(k, 30, () => fired.push(k));
    s.schedule('a', 60, () => fired.push('a')); // later
    s.schedule('d', 5, () => fired.push('d')); // earlier
    await until(() => fired.length >= 4);
    expect(fired).toEqual(['d', 'b', 'c', 'a']);
  });
});
