import { injectable } from 'inversify';
import type { Clock } from '../../ports/clock';

/** Wall clock of the host. */
@injectable()
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
