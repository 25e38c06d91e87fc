import { GroupTimers, sessionSweepKey, type GroupTimerHandlers } from '../../../src/application/group/group-timers';
import { FakeClock } from '../../fakes/fake-clock';

/** Issue 14: classic sessions are a per-group table of deadlines behind one Scheduler timer (CG-46). */
const setup = (): { clock: FakeClock; timers: GroupTimers; expired: string[]; handlers: GroupTimerHandlers } => {
  const clock = new FakeClock(0);
  const timers = new GroupTimers(clock);
  const expired: string[] = [];
  const none = (): void => {};
  const handlers: GroupTimerHandlers = {
    onSessionExpired: (g, m) => expired.push(`${g}/${m}@${clock.now()}`),
    onPendingExpired: none, onJoinDeadline: none, onInitialDelay: none, onSyncDeadline: none, onExpiryCheck: none,
    onConsumerSessionExpired: none, onRebalanceExpired: none, onClassicMemberDeadline: none,
  };
  timers.route(handlers);
  return { clock, timers, expired, handlers };
};

describe('classic session table', () => {
  test('each member expires at its own deadline; a re-arm moves it; one timer per group', () => {
    const { clock, timers, expired } = setup();
    timers.armSession('g', 'a', 10_000);
    clock.advance(1_000);
    timers.armSession('g', 'b', 10_000);
    timers.armSession('h', 'c', 5_000);
    expect(clock.scheduledKeys().sort()).toEqual([sessionSweepKey('g'), sessionSweepKey('h')]);
    expect(timers.sessionDeadline('g', 'a')).toBe(10_000);
    clock.advance(8_000); // t = 9000: a heartbeat re-arms a
    timers.armSession('g', 'a', 10_000);
    expect(expired).toEqual(['h/c@6000']);
    clock.advance(2_000); // t = 11000: b (deadline 11000) expires, a does not
    expect(expired).toEqual(['h/c@6000', 'g/b@11000']);
    expect(timers.sessionDeadline('g', 'b')).toBeUndefined();
    clock.advance(10_000);
    expect(expired).toEqual(['h/c@6000', 'g/b@11000', 'g/a@19000']);
    expect(clock.scheduledKeys()).toEqual([]);
  });

  test('issue 14: a deadline is whole milliseconds, never earlier than the timeout, on a fractional clock', () => {
    const { clock, timers, expired } = setup();
    clock.advance(0.25);
    timers.armSession('g', 'a', 1_000);
    expect(timers.sessionDeadline('g', 'a')).toBe(1_001);
    clock.advance(1_000); // t = 1000.25: the exact deadline (1000.25) passed, the rounded one did not
    expect(expired).toEqual([]);
    clock.advance(0.75);
    expect(expired).toEqual(['g/a@1001']);
  });

  test('a shorter session pulls the sweep earlier; a cancel of the last member disarms it', () => {
    const { clock, timers, expired } = setup();
    timers.armSession('g', 'a', 30_000);
    timers.armSession('g', 'b', 6_000);
    expect(clock.deadlineOf(sessionSweepKey('g'))).toBe(6_000);
    timers.cancelSession('g', 'b');
    clock.advance(6_000); // the early sweep finds nothing due and re-arms for a
    expect(expired).toEqual([]);
    expect(clock.deadlineOf(sessionSweepKey('g'))).toBe(30_000);
    timers.cancelSession('g', 'a');
    expect(clock.isScheduled(sessionSweepKey('g'))).toBe(false);
    clock.advance(60_000);
    expect(expired).toEqual([]);
  });

  test('members due together expire earliest first; a handler that cancels or re-arms another spares it', () => {
    const { clock, timers, expired, handlers } = setup();
    timers.armSession('g', 'a', 5_000);
    timers.armSession('g', 'b', 5_000);
    timers.armSession('g', 'c', 5_000);
    timers.armSession('g', 'd', 4_000);
    const base = handlers.onSessionExpired;
    handlers.onSessionExpired = (g, m) => {
      base(g, m);
      if (m === 'a') {
        timers.cancelSession('g', 'b');
        timers.armSession('g', 'c', 1_000);
      }
    };
    clock.advance(5_000);
    expect(expired).toEqual(['g/d@4000', 'g/a@5000']);
    expect(timers.sessionDeadline('g', 'c')).toBe(6_000);
    clock.advance(1_000);
    expect(expired).toEqual(['g/d@4000', 'g/a@5000', 'g/c@6000']);
  });
});
