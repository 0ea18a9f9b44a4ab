import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

/** Webhooks can be missed: reconciliation lists every subscription from the API and repairs the store. */
describe('reconciliation', () => {
  let h: MarketplaceHarness;
  beforeAll(async () => {
    h = await startMarketplaceHarness();
  });
  afterAll(() => h.close());

  it('adds unknown subscriptions across pages, then repairs status, plan, quantity and term drift', async () => {
    const ids = Array.from(
      { length: 23 },
      (_, i) => h.emulator.buy({ planId: i % 2 ? 'business' : 'team-seat', quantity: 3, tenantId: `t-${i}` }).subscriptionId,
    );
    for (const id of ids.slice(0, 3))
      await h.app.fulfillment.activate(id, {
        planId: h.emulator.subscription(id)!.planId,
        ...(h.emulator.subscription(id)!.planId === 'team-seat' ? { quantity: 3 } : {}),
      });

    const first = await h.app.reconcile();
    expect(first.checked).toBe(23);
    expect(first.added).toHaveLength(23);
    expect(first.repaired).toEqual([]);
    expect((await h.app.store.subscriptions.get(ids[0]!))?.status).toBe('Subscribed');

    // Changes the bot never heard about: a publisher-side plan change and seat change (no webhook), and a
    // Suspend whose webhook was lost (the bot's webhook URL pointed nowhere).
    await h.app.fulfillment.changePlan(ids[1]!, 'enterprise');
    await h.app.fulfillment.changeQuantity(ids[0]!, 9);
    h.emulator.configure({ webhookUrl: 'http://127.0.0.1:9/api/webhook' });
    await h.emulator.trigger(ids[2]!, 'Suspend').catch(() => undefined);
    h.emulator.configure({ webhookUrl: `${h.app.url}/api/webhook` });

    const second = await h.app.reconcile();
    const repaired = Object.fromEntries(second.repaired.map((r) => [r.subscriptionId, r.drift.join('; ')]));
    expect(Object.keys(repaired).sort()).toEqual([ids[0], ids[1], ids[2]].sort());
    expect(repaired[ids[1]!]).toContain('plan business → enterprise');
    expect(repaired[ids[0]!]).toContain('quantity 3 → 9');
    expect(repaired[ids[2]!]).toContain('status Subscribed → Suspended');
    expect((await h.app.store.subscriptions.get(ids[2]!))?.status).toBe('Suspended');
    const ops = await h.app.store.operations.list(ids[1]!);
    expect(ops.at(-1)).toMatchObject({
      action: 'Reconcile',
      source: 'reconcile',
      fromPlanId: 'business',
      toPlanId: 'enterprise',
    });

    // Nothing left to repair.
    expect((await h.app.reconcile()).repaired).toEqual([]);
  });
});
