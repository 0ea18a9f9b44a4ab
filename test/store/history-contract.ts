import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyKeyOf, type HistoryExchange } from '../../src/domain/conversation-history';
import type { Store } from '../../src/store/store';

const AT = new Date('2026-03-10T10:00:00.000Z');
const LATER = new Date('2026-03-10T11:00:00.000Z');
const KEY = historyKeyOf({ tenantId: 'tenant-a', conversationId: 'conv-1' });

const exchange = (n: number, at = AT): HistoryExchange => ({ user: `question ${n} ✓`, assistant: `answer ${n} é`, tokens: 10 + n, at });

/** The conversation history facet (migration 0006): same behaviour in every store. */
export function describeHistoryContract(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  describe(`Conversation history contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });
    const save = (exchanges: HistoryExchange[], expectedVersion: number, expiresAt = LATER, key = KEY) =>
      store.history.save({ key, tenantId: 'tenant-a', exchanges, expiresAt, at: AT, expectedVersion });

    it('reads nothing (version 0) for a new conversation, then what was written, in order, text exact', async () => {
      expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });
      expect(await save([exchange(1), exchange(2)], 0)).toBe('saved');
      expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1), exchange(2)], version: 1 });
      expect(await store.history.load(historyKeyOf({ tenantId: 'tenant-b', conversationId: 'conv-1' }), AT)).toEqual({
        exchanges: [],
        version: 0,
      });
    });

    it('writes only over the version it read: a stale write is a conflict and changes nothing', async () => {
      expect(await save([exchange(1)], 0)).toBe('saved');
      expect(await save([exchange(9)], 0)).toBe('conflict');
      expect(await save([exchange(1), exchange(2)], 1)).toBe('saved');
      expect(await save([exchange(9)], 1)).toBe('conflict');
      expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1), exchange(2)], version: 2 });
    });

    it('reads an expired history as empty, keeping its version; the sweep deletes only what has expired', async () => {
      const other = historyKeyOf({ tenantId: 'tenant-a', conversationId: 'conv-2' });
      await save([exchange(1)], 0, LATER);
      await save([exchange(2)], 0, new Date('2026-03-11T10:00:00.000Z'), other);
      expect(await store.history.load(KEY, LATER)).toEqual({ exchanges: [], version: 1 });
      expect(await store.history.deleteExpired(LATER)).toBe(1);
      expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });
      expect((await store.history.load(other, LATER)).exchanges).toEqual([exchange(2)]);
    });

    it('clears a conversation (new chat); a turn that read before the reset gets a conflict', async () => {
      await save([exchange(1)], 0);
      expect(await store.history.clear(KEY)).toBe(true);
      expect(await store.history.clear(KEY)).toBe(false);
      expect(await save([exchange(1), exchange(2)], 1)).toBe('conflict');
      expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });
    });
  });
}
