import type { Storage, StoreItems } from 'botbuilder';

/**
 * The bare baseline of `bench:turns`: what a plain teams-ai bot keeps its turn state (conversation history) in.
 * (The product keeps history in the store instead: src/bot/history/.)
 *
 * In-memory turn state (conversation history) for teams-ai, bounded: least recently used conversations are
 * forgotten past `maxItems`, so a long-running bot does not grow without end. History stays in memory only
 * (message text is personal data). Last write wins: two concurrent turns of one conversation never fail on an
 * eTag race, which botbuilder's MemoryStorage would turn into an error for the user.
 */
export class BoundedMemoryStorage implements Storage {
  private readonly items = new Map<string, unknown>();

  constructor(private readonly maxItems = 5000) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found: StoreItems = {};
    for (const key of keys) {
      if (!this.items.has(key)) continue;
      const value = this.items.get(key);
      // Refresh recency.
      this.items.delete(key);
      this.items.set(key, value);
      found[key] = structuredClone(value);
    }
    return found;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) {
      this.items.delete(key);
      this.items.set(key, structuredClone(value));
    }
    while (this.items.size > this.maxItems) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }
}
