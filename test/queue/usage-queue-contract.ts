import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageMessage } from '../../src/domain/usage';
import type { QueuedUsage, UsageQueue } from '../../src/queue/usage-queue';
import type { Store } from '../../src/store/store';
import { usageEvent } from '../helpers/usage-events';

export interface QueueUnderTest {
  /** The consumer under test (the metering worker's view of the queue). */
  queue: UsageQueue;
  /** Another consumer of the same queue: a second worker, or the worker after a restart. */
  openConsumer(): Promise<UsageQueue>;
  /**
   * Puts `count` new messages on the queue the way production does (the outbox: recording usage events; Service
   * Bus: the relay's send) and returns them as the consumer must receive them, in enqueue order.
   */
  enqueue(count: number): Promise<UsageMessage[]>;
  /** Lets every lock run out (moves a fake clock, or waits for a real one). */
  expireLocks(): Promise<void>;
  /** What the queue keeps aside for the operator. */
  deadLetters(): Promise<{ usageEventId: string; reason: string }[]>;
  cleanup(): Promise<void>;
}

/** How an implementation differs by nature; the contract asserts each side exactly. */
export interface QueueTraits {
  /**
   * `send` of a message whose usage event the queue knows nothing of: Service Bus carries any message
   * (`enqueued`); the outbox re-enqueues stored usage events only (`ignored`).
   */
  sendOfUnknownEvent: 'enqueued' | 'ignored';
  /**
   * `send` again of a message already delivered and completed: Service Bus drops it by duplicate detection
   * (`dropped`); the outbox enqueues the stored event again (`enqueued`), a repair tool, and the consumer's
   * idempotency ignores it.
   */
  resendAfterComplete: 'dropped' | 'enqueued';
  /** Deliveries before a message is dead-lettered, and the reason it is then given. */
  maxDeliveries: number;
  maxDeliveriesReason: RegExp;
  /**
   * Service Bus holds a receive open until a message arrives or `waitMs` passes (`true`); the outbox answers at
   * once whatever `waitMs` says, and the worker sleeps between polls itself (`false`).
   */
  receiveWaits: boolean;
  /** Service Bus: the closed queue refuses further calls. The outbox: the store owns the file, nothing closes. */
  closeRefusesCalls: boolean;
  /** `waitMs` for a receive that must come back empty (long enough for a remote queue to answer). */
  emptyWaitMs: number;
  /** Time a remote round trip may add on top of `waitMs`. */
  slackMs: number;
  /** Per-test timeout, for implementations whose locks run out in real time. */
  timeoutMs?: number;
}

let sequence = 0;

/** A well-formed usage message with a fresh id. */
export function usageMessage(fields: Partial<UsageMessage> = {}): UsageMessage {
  sequence += 1;
  return {
    usageEventId: randomUUID(),
    subscriptionId: 'sub-contract',
    planId: 'business',
    dimension: 'messages',
    quantity: 1 + (sequence % 3),
    billable: sequence % 2,
    occurredAt: new Date(Date.UTC(2026, 2, 10, 10, 0, sequence % 60)).toISOString(),
    periodStart: '2026-03-01T00:00:00.000Z',
    ...fields,
  };
}

/**
 * Records `count` turns through the store, which writes their outbox rows in the same transaction, and returns
 * the messages the outbox must deliver for them. Two units are included, with overage: later turns are billable.
 */
export async function recordUsage(store: Store, subscriptionId: string, count: number): Promise<UsageMessage[]> {
  const out: UsageMessage[] = [];
  for (let i = 0; i < count; i += 1) {
    sequence += 1;
    const event = usageEvent(subscriptionId, {
      quantity: 1 + (sequence % 2),
      occurredAt: new Date(Date.UTC(2026, 2, 10, 10, 0, sequence % 60)),
    });
    const outcome = await store.usage.record({ event, included: 2, overage: true });
    if (outcome.status !== 'recorded') throw new Error(`usage event ${event.id} was not recorded`);
    out.push({
      usageEventId: event.id,
      subscriptionId,
      planId: event.planId,
      dimension: event.dimension,
      quantity: event.quantity,
      billable: outcome.billable,
      occurredAt: event.occurredAt.toISOString(),
      periodStart: event.periodStart.toISOString(),
    });
  }
  return out;
}

const ids = (deliveries: readonly QueuedUsage[]) => deliveries.map((d) => d.message.usageEventId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Everything the metering worker relies on from the usage queue, run against every implementation: the embedded
 * outbox, Service Bus over the fake client, and a real namespace when one is configured.
 */
export function describeUsageQueueContract(name: string, open: () => Promise<QueueUnderTest>, traits: QueueTraits): void {
  // Implementations whose locks run out in real time need longer than the default.
  const timeout = traits.timeoutMs ?? 30_000;
  describe(`UsageQueue contract: ${name}`, { timeout }, () => {
    let t: QueueUnderTest;
    let queue: UsageQueue;

    /** Receives until `count` messages came (a remote queue may hand them out over several calls). */
    async function receiveCount(from: UsageQueue, count: number): Promise<QueuedUsage[]> {
      const out: QueuedUsage[] = [];
      const deadline = Date.now() + traits.emptyWaitMs + traits.slackMs + 2_000;
      while (out.length < count && Date.now() < deadline) {
        const got = await from.receive(count - out.length, { waitMs: traits.emptyWaitMs });
        out.push(...got);
        if (got.length === 0) await sleep(10);
      }
      return out;
    }

    const receiveNone = (from: UsageQueue) => from.receive(10, { waitMs: traits.emptyWaitMs });

    beforeEach(async () => {
      t = await open();
      queue = t.queue;
    }, timeout);

    afterEach(async () => {
      await t.cleanup();
    }, timeout);

    it('delivers what was enqueued, whole, once, with a delivery count of 1', async () => {
      const sent = await t.enqueue(3);
      const got = await receiveCount(queue, 3);
      expect(got.map((d) => d.message)).toEqual(sent);
      expect(got.map((d) => d.deliveryCount)).toEqual([1, 1, 1]);
      expect(await receiveNone(queue)).toEqual([]);
    });

    it('delivers in enqueue order, one at a time as in batches', async () => {
      const sent = await t.enqueue(6);
      const first = await receiveCount(queue, 1);
      const rest = await receiveCount(queue, 5);
      expect([...ids(first), ...ids(rest)]).toEqual(sent.map((m) => m.usageEventId));
    });

    it('serves concurrent receives of one consumer with different messages', async () => {
      const sent = await t.enqueue(4);
      const [a, b] = await Promise.all([
        queue.receive(2, { waitMs: traits.emptyWaitMs }),
        queue.receive(2, { waitMs: traits.emptyWaitMs }),
      ]);
      const rest = await receiveCount(queue, 4 - a.length - b.length);
      const all = [...ids(a), ...ids(b), ...ids(rest)];
      expect(all.sort()).toEqual(sent.map((m) => m.usageEventId).sort());
    });

    it('does not hand a locked message to anyone else', async () => {
      const sent = await t.enqueue(2);
      const mine = await receiveCount(queue, 1);
      expect(ids(mine)).toEqual([sent[0]!.usageEventId]);
      const other = await t.openConsumer();
      const theirs = await receiveCount(other, 1);
      expect(ids(theirs)).toEqual([sent[1]!.usageEventId]);
      expect(await receiveNone(other)).toEqual([]);
      expect(await receiveNone(queue)).toEqual([]);
    });

    it('forgets a completed message, even once its lock would have run out', async () => {
      await t.enqueue(3);
      const got = await receiveCount(queue, 3);
      await queue.complete(got);
      await t.expireLocks();
      expect(await receiveNone(queue)).toEqual([]);
    });

    it('delivers an abandoned message again, with its delivery count + 1, and keeps the others', async () => {
      const sent = await t.enqueue(2);
      const [first, second] = await receiveCount(queue, 2);
      await queue.abandon([first!]);
      const again = await receiveCount(queue, 1);
      expect(again.map((d) => d.message)).toEqual([sent[0]]);
      expect(again[0]!.deliveryCount).toBe(2);
      await queue.complete([...again, second!]);
      expect(await receiveNone(queue)).toEqual([]);
    });

    it('delivers a message again once its lock runs out', async () => {
      const [sent] = await t.enqueue(1);
      await receiveCount(queue, 1);
      expect(await receiveNone(queue)).toEqual([]);
      await t.expireLocks();
      const again = await receiveCount(queue, 1);
      expect(again.map((d) => d.message)).toEqual([sent]);
      expect(again[0]!.deliveryCount).toBe(2);
    });

    it('redelivers to the next consumer what a crashed consumer received and never completed', async () => {
      const sent = await t.enqueue(2);
      const crashed = await receiveCount(queue, 2);
      expect(crashed).toHaveLength(2);
      const restarted = await t.openConsumer();
      expect(await receiveNone(restarted)).toEqual([]);
      await t.expireLocks();
      const redelivered = await receiveCount(restarted, 2);
      expect(redelivered.map((d) => d.message)).toEqual(sent);
      expect(redelivered.map((d) => d.deliveryCount)).toEqual([2, 2]);
      await restarted.complete(redelivered);
      // The crashed consumer's late settlement (a zombie) neither fails nor brings anything back.
      await expect(queue.complete(crashed)).resolves.toBeUndefined();
      expect(await receiveNone(restarted)).toEqual([]);
    });

    it('completing after the lock ran out does not fail (the consumer ignores a redelivery it already counted)', async () => {
      await t.enqueue(1);
      const got = await receiveCount(queue, 1);
      await t.expireLocks();
      await expect(queue.complete(got)).resolves.toBeUndefined();
      await expect(queue.abandon(got)).resolves.toBeUndefined();
    });

    it('dead-letters a message with its reason and never delivers it again', async () => {
      const sent = await t.enqueue(2);
      const [bad, good] = await receiveCount(queue, 2);
      await queue.deadLetter(bad!, 'plan unknown-plan is not in the catalog');
      await queue.complete([good!]);
      await t.expireLocks();
      expect(await receiveNone(queue)).toEqual([]);
      const dead = (await t.deadLetters()).filter((d) => sent.some((m) => m.usageEventId === d.usageEventId));
      expect(dead).toEqual([{ usageEventId: sent[0]!.usageEventId, reason: 'plan unknown-plan is not in the catalog' }]);
    });

    it(`dead-letters a message after ${traits.maxDeliveries} deliveries without completion`, async () => {
      const [sent] = await t.enqueue(1);
      for (let delivery = 1; delivery <= traits.maxDeliveries; delivery += 1) {
        const got = await receiveCount(queue, 1);
        expect(got.map((d) => [d.message.usageEventId, d.deliveryCount])).toEqual([[sent!.usageEventId, delivery]]);
        await queue.abandon(got);
      }
      expect(await receiveNone(queue)).toEqual([]);
      const dead = (await t.deadLetters()).find((d) => d.usageEventId === sent!.usageEventId);
      expect(dead?.reason).toMatch(traits.maxDeliveriesReason);
    });

    it('answers an empty queue with [] within waitMs', async () => {
      const started = Date.now();
      expect(await queue.receive(10, { waitMs: traits.emptyWaitMs })).toEqual([]);
      expect(Date.now() - started).toBeLessThan(traits.emptyWaitMs + traits.slackMs);
    });

    if (traits.receiveWaits) {
      it('hands a message sent during a waiting receive to it at once, without waiting out waitMs', async () => {
        const started = Date.now();
        const waiting = queue.receive(10, { waitMs: 20_000 });
        // The scenario, not a wait: the message is sent 100 ms into the receive (a waiting receive shows no state).
        await sleep(100);
        const [sent] = await t.enqueue(1);
        const got = await waiting;
        expect(got.map((d) => d.message)).toEqual([sent]);
        expect(Date.now() - started).toBeLessThan(100 + traits.slackMs + 1_000);
      });
    } else {
      it('answers at once whatever waitMs says (the worker sleeps between polls itself)', async () => {
        const started = Date.now();
        expect(await queue.receive(10, { waitMs: 20_000 })).toEqual([]);
        expect(Date.now() - started).toBeLessThan(1_000);
      });
    }

    it(`send of a message already delivered and completed: ${traits.resendAfterComplete}`, async () => {
      const [sent] = await t.enqueue(1);
      await queue.complete(await receiveCount(queue, 1));
      await queue.send([sent!]);
      if (traits.resendAfterComplete === 'dropped') {
        expect(await receiveNone(queue)).toEqual([]);
      } else {
        const again = await receiveCount(queue, 1);
        expect(again.map((d) => d.message)).toEqual([sent]);
      }
    });

    it(`send of a message for a usage event the queue does not know: ${traits.sendOfUnknownEvent}`, async () => {
      const message = usageMessage();
      await queue.send([message]);
      if (traits.sendOfUnknownEvent === 'enqueued') {
        const got = await receiveCount(queue, 1);
        expect(got.map((d) => d.message)).toEqual([message]);
        expect(got[0]!.deliveryCount).toBe(1);
      } else {
        expect(await receiveNone(queue)).toEqual([]);
      }
    });

    it('keeps the messages of a consumer that closed for the next one', async () => {
      const sent = await t.enqueue(2);
      await queue.close();
      await queue.close();
      const next = await t.openConsumer();
      const got = await receiveCount(next, 2);
      expect(got.map((d) => d.message)).toEqual(sent);
      if (traits.closeRefusesCalls) {
        await expect(queue.receive(1, { waitMs: traits.emptyWaitMs })).rejects.toThrow();
        await expect(queue.send([usageMessage()])).rejects.toThrow();
      }
    });
  });
}
