import type { TxnEvent } from '../../domain/transaction/events';

/** EV-2: Kafka's controller hands out producer ids in blocks of 1000. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/**
 * Producer ids (idempotent and transactional) from durable blocks: a block's event is durable
 * before any id of it is handed out, so an id is never reused after a crash (EV-2).
 */
export class ProducerIdAllocator {
  private next = 0n;
  private blockEnd = 0n;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    /** Exclusive end of the ids allocated so far (folded from the MetaLog). */
    private readonly allocatedEnd: () => bigint,
    /** Appends and folds the event; resolves once durable. */
    private readonly write: (events: TxnEvent[]) => Promise<void>,
  ) {}

  /** The id `allocate` would return without a new block, or null when a block must be written first. */
  peek(): bigint | null {
    return this.next < this.blockEnd ? this.next : null;
  }

  allocate(): Promise<bigint> {
    const result = this.chain.then(async () => {
      if (this.next >= this.blockEnd) {
        const first = this.allocatedEnd();
        await this.write([{ type: 'ProducerIdBlockAllocated', firstProducerId: first, size: PRODUCER_ID_BLOCK_SIZE }]);
        this.next = first;
        this.blockEnd = first + BigInt(PRODUCER_ID_BLOCK_SIZE);
      }
      return this.next++;
    });
    this.chain = result.catch(() => undefined);
    return result;
  }
}
