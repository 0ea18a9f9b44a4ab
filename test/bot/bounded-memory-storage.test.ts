import { describe, expect, it } from 'vitest';
import { BoundedMemoryStorage } from '../../scripts/bench/bounded-memory-storage';

describe('BoundedMemoryStorage (teams-ai turn state, in memory)', () => {
  it('forgets the least recently used items past its count', async () => {
    const storage = new BoundedMemoryStorage(2);
    await storage.write({ a: { n: 1 }, b: { n: 2 } });
    await storage.read(['a']);
    await storage.write({ c: { n: 3 } });
    expect(await storage.read(['a', 'b', 'c'])).toEqual({ a: { n: 1 }, c: { n: 3 } });
  });

  it('stays within its size budget however long the histories grow (a count alone does not bound memory)', async () => {
    const storage = new BoundedMemoryStorage(5000, 100_000);
    const history = (turns: number) => ({
      history: Array.from({ length: turns }, (_, i) => ({ role: 'user', content: `message ${i} `.repeat(20) })),
    });
    for (let conversation = 0; conversation < 500; conversation++) {
      await storage.write({ [`conversations/${conversation}`]: history(1 + (conversation % 10)) });
      expect(storage.storedChars).toBeLessThanOrEqual(100_000);
    }
    expect(storage.size).toBeLessThan(500);
    // The newest is kept, whole.
    expect(await storage.read(['conversations/499'])).toEqual({ 'conversations/499': history(10) });
    expect(storage.storedChars).toBe(
      [...Array(storage.size).keys()].reduce((n, i) => n + JSON.stringify(history(1 + ((499 - i) % 10))).length, 0),
    );
  });

  it('hands out copies: changing what was read changes nothing stored', async () => {
    const storage = new BoundedMemoryStorage();
    await storage.write({ k: { list: [1] } });
    const read = (await storage.read(['k'])) as { k: { list: number[] } };
    read.k.list.push(2);
    expect(await storage.read(['k'])).toEqual({ k: { list: [1] } });
    await storage.delete(['k']);
    expect(storage.storedChars).toBe(0);
  });
});
