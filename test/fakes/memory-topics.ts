import type { TopicMetadataSource, TopicMetadataView } from '../../src/ports/topic-metadata';

/** The topic image as a map the test edits (ids are `id-<name>-<n>` so a re-created topic gets a new one). */
export class MemoryTopics implements TopicMetadataSource {
  private readonly byName = new Map<string, TopicMetadataView>();
  private n = 0;

  constructor(topics: Record<string, number> = {}) {
    for (const [name, partitions] of Object.entries(topics)) this.create(name, partitions);
  }

  create(name: string, partitions: number): TopicMetadataView {
    const t = { name, topicId: `id-${name}-${++this.n}`, partitions };
    this.byName.set(name, t);
    return t;
  }

  grow(name: string, partitions: number): void {
    const t = this.byName.get(name)!;
    this.byName.set(name, { ...t, partitions });
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  get(name: string): TopicMetadataView | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): TopicMetadataView | undefined {
    return [...this.byName.values()].find((t) => t.topicId === topicId);
  }

  list(): readonly TopicMetadataView[] {
    return [...this.byName.values()];
  }

  /** The id of an existing topic. */
  id(name: string): string {
    return this.byName.get(name)!.topicId;
  }
}
