import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../src/store/feedback-repo';
import type { Store } from '../../src/store/store';

export interface FeedbackStoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const AT = new Date('2026-03-10T10:00:00.000Z');

function feedback(fields: { [K in keyof FeedbackRecord]?: FeedbackRecord[K] | undefined } = {}): FeedbackRecord {
  const record: FeedbackRecord = {
    tenantId: 'tenant-a',
    userId: 'user-1',
    // As the bot keys it: the answer's id when the client sent one.
    key: fields.key ?? fields.replyId ?? 'reply-1',
    replyId: 'reply-1',
    subscriptionId: 'sub-a',
    conversationId: 'conv-1',
    reaction: 'dislike',
    comment: 'This answer is offensive.',
    isReport: true,
    createdAt: AT,
  };
  // `comment: undefined` removes the default comment.
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete (record as unknown as Record<string, unknown>)[key];
    else (record as unknown as Record<string, unknown>)[key] = value;
  }
  return record;
}

/** The feedback facet (👍/👎 and content reports), run against SQLite always and SQL Server when configured. */
export function describeFeedbackContract(name: string, open: () => Promise<FeedbackStoreUnderTest>): void {
  describe(`Feedback store contract: ${name}`, () => {
    let t: FeedbackStoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => t.cleanup());

    it('records one feedback per tenant, answer and user: a repeated one is a duplicate and changes nothing', async () => {
      expect(await store.feedback.record(feedback())).toBe('recorded');
      expect(await store.feedback.record(feedback({ reaction: 'like', comment: 'changed my mind', isReport: false }))).toBe(
        'duplicate',
      );
      // Another user, another answer or another tenant is another feedback.
      expect(await store.feedback.record(feedback({ userId: 'user-2' }))).toBe('recorded');
      expect(await store.feedback.record(feedback({ replyId: 'reply-2' }))).toBe('recorded');
      expect(await store.feedback.record(feedback({ tenantId: 'tenant-b' }))).toBe('recorded');
      const { reports } = await store.feedback.listReports({ tenantId: 'tenant-a', limit: 100 });
      expect(reports).toHaveLength(3);
      const first = reports.find((r) => r.userId === 'user-1' && r.replyId === 'reply-1');
      expect(first).toMatchObject({ reaction: 'dislike', comment: 'This answer is offensive.', isReport: true });
    });

    it('keeps feedback without an answer id (the Agents Playground sends none) under its own key', async () => {
      const playground = feedback({ key: 'invoke:abc', replyId: undefined, comment: 'Rude' });
      expect(await store.feedback.record(playground)).toBe('recorded');
      expect(await store.feedback.record({ ...playground })).toBe('duplicate');
      expect(await store.feedback.record(feedback({ key: 'invoke:def', replyId: undefined }))).toBe('recorded');
      const { reports } = await store.feedback.listReports();
      expect(reports.map((r) => ({ ...r, id: undefined }))).toEqual([
        { ...feedback({ key: 'invoke:def', replyId: undefined }), id: undefined },
        { ...playground, id: undefined },
      ]);
      expect(reports.every((r) => !('replyId' in r))).toBe(true);
    });

    it('keeps every field, and stores no message text unless given one', async () => {
      await store.feedback.record(feedback({ replyId: 'with-text', messageText: 'The answer that was rated.' }));
      await store.feedback.record(feedback({ replyId: 'without-text' }));
      const { reports } = await store.feedback.listReports();
      expect(reports.map((r) => ({ ...r, id: undefined }))).toEqual([
        { ...feedback({ replyId: 'without-text' }), id: undefined },
        { ...feedback({ replyId: 'with-text', messageText: 'The answer that was rated.' }), id: undefined },
      ]);
      expect(reports.at(0)?.createdAt).toEqual(AT);
    });

    it('lists only content reports, newest first, per tenant or subscription, a page at a time', async () => {
      await store.feedback.record(feedback({ replyId: 'liked', reaction: 'like', comment: 'great', isReport: false }));
      await store.feedback.record(feedback({ replyId: 'bare-dislike', comment: undefined, isReport: false }));
      for (let i = 1; i <= 5; i++) {
        await store.feedback.record(
          feedback({
            replyId: `r${i}`,
            tenantId: i % 2 ? 'tenant-a' : 'tenant-b',
            subscriptionId: i % 2 ? 'sub-a' : 'sub-b',
            createdAt: new Date(AT.getTime() + i * 1000),
          }),
        );
      }
      const all = await store.feedback.listReports();
      expect(all.reports.map((r) => r.replyId)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(all.nextBefore).toBeUndefined();

      expect((await store.feedback.listReports({ tenantId: 'tenant-b' })).reports.map((r) => r.replyId)).toEqual(['r4', 'r2']);
      expect((await store.feedback.listReports({ subscriptionId: 'sub-a' })).reports.map((r) => r.replyId)).toEqual([
        'r5',
        'r3',
        'r1',
      ]);
      expect((await store.feedback.listReports({ tenantId: 'tenant-c' })).reports).toEqual([]);

      const page1 = await store.feedback.listReports({ limit: 2 });
      expect(page1.reports.map((r) => r.replyId)).toEqual(['r5', 'r4']);
      expect(page1.nextBefore).toBeDefined();
      const page2 = await store.feedback.listReports({ limit: 2, before: page1.nextBefore! });
      expect(page2.reports.map((r) => r.replyId)).toEqual(['r3', 'r2']);
      const page3 = await store.feedback.listReports({ limit: 2, before: page2.nextBefore! });
      expect(page3.reports.map((r) => r.replyId)).toEqual(['r1']);
      expect(page3.nextBefore).toBeUndefined();
      // A silly page size falls back to the default rather than failing.
      expect((await store.feedback.listReports({ limit: -3 })).reports).toHaveLength(5);
    });

    it('clears message text after its retention and deletes feedback after its own', async () => {
      const day = 86_400_000;
      await store.feedback.record(feedback({ replyId: 'old', messageText: 'old text', createdAt: new Date(AT.getTime() - 400 * day) }));
      await store.feedback.record(feedback({ replyId: 'mid', messageText: 'mid text', createdAt: new Date(AT.getTime() - 40 * day) }));
      await store.feedback.record(feedback({ replyId: 'new', messageText: 'new text', createdAt: AT }));
      const result = await store.feedback.purge({
        textBefore: new Date(AT.getTime() - 30 * day),
        rowsBefore: new Date(AT.getTime() - 365 * day),
      });
      expect(result).toEqual({ deleted: 1, textCleared: 1 });
      const { reports } = await store.feedback.listReports();
      expect(reports.map((r) => [r.replyId, r.messageText])).toEqual([
        ['new', 'new text'],
        ['mid', undefined],
      ]);
      expect(reports.at(1)?.comment).toBe('This answer is offensive.');
    });
  });
}
