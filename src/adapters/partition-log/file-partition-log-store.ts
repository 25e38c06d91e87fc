import * as fs from 'fs/promises';
import * as path from 'path';
import type { PartitionLog, PartitionLogConfig, PartitionLogStore } from '../../ports/partition-log';
import { FilePartitionLog } from './file-partition-log';
import type { FsyncPolicy } from './fsync-policy';
import { TailBudget, TAIL_CACHE_BYTES_TOTAL } from './log-tail-cache';

/** Directory of one partition's log: `<dataDir>/topics/<topic>-<partition>` (Kafka's layout). */
export const partitionDir = (dataDir: string, topic: string, partition: number): string =>
  path.join(dataDir, 'topics', `${topic}-${partition}`);

/** Opens FilePartitionLogs under `<dataDir>/topics/`, one instance per open partition. */
export class FilePartitionLogStore implements PartitionLogStore {
  private readonly logs = new Map<string, Promise<FilePartitionLog>>();
  /** One memory budget for the tail caches of every log this store opens. */
  private readonly tailBudget = new TailBudget(TAIL_CACHE_BYTES_TOTAL);

  constructor(
    private readonly dataDir: string,
    private readonly fsync: FsyncPolicy,
  ) {}

  async open(topic: string, partition: number, config: Partial<PartitionLogConfig> = {}): Promise<PartitionLog> {
    const dir = partitionDir(this.dataDir, topic, partition);
    const cached = this.logs.get(dir);
    if (cached !== undefined) {
      const log = await cached;
      if (!log.isClosed()) {
        if (Object.keys(config).length > 0) log.reconfigure(config);
        return log;
      }
      // Closed by its user: reopen from the files (a clean shutdown marker makes that cheap).
      if (this.logs.get(dir) === cached) this.logs.delete(dir);
      return this.open(topic, partition, config);
    }
    const opening = FilePartitionLog.open(dir, config, this.fsync, this.tailBudget);
    this.logs.set(dir, opening);
    opening.catch(() => this.logs.delete(dir));
    return opening;
  }

  async deleteTopic(topic: string): Promise<void> {
    const root = path.join(this.dataDir, 'topics');
    const names = await fs.readdir(root).catch(() => [] as string[]);
    // `<topic>-<digits>` names exactly this topic's partitions (a topic "a-1" owns "a-1-0", never "a-1").
    const mine = names.filter((n) => n.startsWith(`${topic}-`) && /^\d+$/.test(n.slice(topic.length + 1)));
    for (const name of mine) {
      const dir = path.join(root, name);
      const open = this.logs.get(dir);
      if (open !== undefined) {
        this.logs.delete(dir);
        await (await open).close();
      }
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    const open = [...this.logs.values()];
    this.logs.clear();
    for (const log of open) await (await log).close();
  }
}
