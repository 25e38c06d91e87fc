import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { HEAP_GAUGE, type HeapGauge } from '../../ports/heap-gauge';
import type { Logger } from '../../ports/logger';
import { TYPES } from '../../ports/symbols';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';

/**
 * Admission control on the heap (benchmarks.md C6, reliability.md G7): the coordinator stops taking
 * on new members, groups and offsets while the heap is near its limit, so growth ends with a Kafka
 * error instead of the V8 OOM killer. Full means the live heap (after the last full collection) is
 * at `admissionHeapPercent` of the limit, or the heap in use, garbage included, is half-way from
 * there to the limit (collections lag allocation; that half is the margin). Once refusing, it
 * admits again only when the live heap is 5 points below the threshold (and the heap in use below
 * its mark), so a broker at its limit does not flip with every collection. 100 % never refuses.
 */
@injectable()
export class GrowthAdmission {
  private readonly log: Logger;
  private refusing = false;

  constructor(
    @inject(HEAP_GAUGE) private readonly gauge: HeapGauge,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.log = logger.child({ component: 'admission' });
  }

  /** Whether the coordinator may add state now; logs once each time the answer changes. */
  admits(): boolean {
    const soft = this.config.admissionHeapPercent / 100;
    if (soft >= 1) return true;
    const { live, used, limit } = this.gauge.heap();
    const liveMark = (this.refusing ? soft - 0.05 : soft) * limit;
    const full = live >= liveMark || used >= (soft + (1 - soft) / 2) * limit;
    if (full !== this.refusing) {
      this.refusing = full;
      const heap = { liveBytes: live, usedBytes: used, limitBytes: limit, admissionHeapPercent: this.config.admissionHeapPercent };
      if (full) this.log.warn(heap, 'heap near its limit: refusing new members, groups and offsets');
      else this.log.info(heap, 'heap below the admission limit again: admitting new members, groups and offsets');
    }
    return !full;
  }
}
