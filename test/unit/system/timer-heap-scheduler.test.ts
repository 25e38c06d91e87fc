import { TimerHeapScheduler } from '../../../src/adapters/system/timer-heap-scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    await sleep(80);
    expect(fired).toEqual(['a', 'c', 'b']);
    expect(s.isScheduled('c')).toBe(false);
  });

  it('handles 100k re-arms cheaply (heartbeat churn) and fires each key once', async () => {
    const s = new TimerHeapScheduler();
    let count = 0;
    for (let i = 0; i < 100_000; i++) s.schedule(`k${i % 1000}`, 5 + (i % 7), () => count++);
    await sleep(60);
    expect(count).toBe(1000);
  });

  it('a callback may schedule another timer', async () => {
    const s = new TimerHeapScheduler();
    const fired: number[] = [];
    s.schedule('x', 1, () => {
      fired.push(1);
      s.schedule('x', 1, () => fired.push(2));
    });
    await sleep(50);
    expect(fired).toEqual([1, 2]);
  });
});
