import type { Storage, StoreItems } from 'botbuilder';

/** Default budget of the stored state: about this many characters of JSON (24 MB of ASCII). */
export const DEFAULT_STORAGE_CHARS = 24 * 1024 * 1024;

/**
 * The bare baseline of `bench:turns`: what a plain teams-ai bot keeps its turn state (conversation history) in.
 * (The product keeps history in the store instead: src/bot/history/.)
 *
 * In-memory turn state (conversation history) for teams-ai, bounded: least recently used conversations are
 * forgotten past `maxItems` items or past `maxChars` characters of JSON in all, whichever comes first, so a
 * long-running bot does not grow without end however long its conversations' histories are (a count alone let 5,000
 * long histories take hundreds of MB). Items are kept as JSON text, as botbuilder's MemoryStorage does: a fraction of
 * the memory of the object graphs, and each read hands out a fresh copy. History stays in memory only (message text
 * is personal data). Last write wins: two concurrent turns of one conversation never fail on an eTag race, which
 * botbuilder's MemoryStorage would turn into an error for the user.
 */
export class BoundedMemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxItems = 5000,
    private readonly maxChars = DEFAULT_STORAGE_CHARS,
  ) {}

  read(keys: string[]): Promise<StoreItems> {
    const found: StoreItems = {};
    for (const key of keys) {
      const json = this.items.get(key);
      if (json === undefined) continue;
      // Refresh recency.
      this.items.delete(key);
      this.items.set(key, json);
      found[key] = JSON.parse(json) as unknown;
    }
    return Promise.resolve(found);
  }

  write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) {
      this.forget(key);
      const json = JSON.stringify(value) ?? 'null';
      this.items.set(key, json);
      this.chars += json.length;
    }
    while (this.items.size > this.maxItems || (this.chars > this.maxChars && this.items.size > 1)) {
      this.forget(this.items.keys().next().value as string);
    }
    return Promise.resolve();
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.forget(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.items.size;
  }

  /** Characters of JSON held. */
  get storedChars(): number {
    return this.chars;
  }

  private forget(key: string): void {
    const json = this.items.get(key);
    if (json === undefined) return;
    this.items.delete(key);
    this.chars -= json.length;
  }
}
