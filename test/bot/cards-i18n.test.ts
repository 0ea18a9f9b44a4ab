import { describe, expect, it } from 'vitest';
import { adminsCard, planCard, seatsCard, statsCard, usageCard } from '../../src/bot/cards/admin-cards';
import type { AdaptiveCard } from '../../src/bot/cards/adaptive-card';
import { helpCard, welcomeCard, type HelpState } from '../../src/bot/cards/help-card';
import { meteringCard, revenueCard, subscriptionsCard } from '../../src/bot/cards/operator-cards';
import { refusalCard } from '../../src/bot/cards/refusal-card';
import { modelProviderOf, type ModelProvider } from '../../src/bot/models/model-provider';
import type { Refusal } from '../../src/domain/entitlement';
import { billingPeriodAt } from '../../src/domain/periods';
import type { Subscription } from '../../src/domain/subscription';
import { summarizeUsage } from '../../src/domain/usage-report';
import { catalogKeys, translator } from '../../src/i18n/translator';
import { LOCALES, type Locale } from '../../src/i18n/locale';
import type { MeteringOverviewView } from '../../src/marketplace/metering-overview';
import { loadPlanCatalog } from '../../src/plan-catalog-source';

/**
 * Every card, rendered in every language: no catalog key ever shows instead of its text, and a French card is
 * French (its own sentences, French numbers, dates and money), not English with a French title.
 */

const catalog = loadPlanCatalog(undefined);
const business = catalog.get('business')!;
const starter = catalog.get('starter')!;
const links = { offerListingUrl: 'https://offer', landingPageUrl: 'https://landing', manageSubscriptionUrl: 'https://manage' };
const now = new Date('2026-03-20T12:00:00Z');
/** A flat-rate subscription; `subscription` below is the same on 12 seats. */
const flatRate: Subscription = {
  id: 'sub-2',
  name: 'Contoso',
  offerId: business.offerId,
  planId: 'business',
  status: 'Subscribed',
  purchaser: { tenantId: 't', objectId: 'ada', emailId: 'ada@contoso.example' },
  beneficiary: { tenantId: 't', objectId: 'ada', emailId: 'ada@contoso.example' },
  term: { startDate: new Date('2026-03-01T00:00:00Z'), endDate: new Date('2026-04-01T00:00:00Z'), termUnit: 'P1M' },
  autoRenew: true,
  isTest: false,
  isFreeTrial: false,
  createdAt: new Date('2026-03-01T00:00:00Z'),
  updatedAt: new Date('2026-03-01T00:00:00Z'),
};
const subscription: Subscription = { ...flatRate, id: 'sub-1', quantity: 12 };
const period = billingPeriodAt(now, subscription.term);

/** A raw key ("help.title", "adminCards.usage.of") where a sentence should be. */
const RAW_KEY = new RegExp(
  `(^|[^\\w@.])(${[...new Set(catalogKeys('en').map((k) => k.split('.')[0]))].join('|')})\\.[A-Za-z]`,
);

/** Every string a user can see on a card: texts, fact titles and values, chart labels, button titles and prompts. */
function visibleTexts(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) visibleTexts(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && ['text', 'title', 'value', 'x'].includes(key)) into.push(value);
      else visibleTexts(value, into);
    }
  }
  return into;
}

const PROVIDERS: ModelProvider[] = ['openai', 'azure', 'compatible', 'offline'];
const HELP_STATES: HelpState[] = ['active', 'none', 'ended', 'pending', 'suspended', 'no-tenant'];

const REFUSALS: Refusal[] = [
  { kind: 'no-tenant' },
  { kind: 'no-user' },
  { kind: 'no-subscription' },
  { kind: 'no-subscription', subscription: { ...subscription, status: 'Unsubscribed' } },
  { kind: 'pending', subscription: { ...subscription, status: 'PendingFulfillmentStart' } },
  { kind: 'suspended', subscription: { ...subscription, status: 'Suspended' } },
  { kind: 'unknown-plan', subscription },
  { kind: 'no-seat', subscription, seats: 1, revoked: false },
  { kind: 'no-seat', subscription, seats: 5, revoked: false },
  { kind: 'no-seat', subscription, seats: 5, revoked: true },
  { kind: 'no-licence', subscription, state: 'none' },
  { kind: 'no-licence', subscription, state: 'suspended' },
  { kind: 'no-licence', subscription, state: 'unreachable' },
  { kind: 'quota-exceeded', subscription, plan: starter, dimension: 'messages', used: 1500, included: 1500, period },
  { kind: 'quota-exceeded', subscription, plan: starter, dimension: 'premium_messages', used: 50, included: 50, period },
];

/** Every card builder, with data that reaches each of its branches. */
function everyCard(locale: Locale): [name: string, card: AdaptiveCard][] {
  const tr = translator(locale);
  const cards: [string, AdaptiveCard][] = [];
  for (const state of HELP_STATES) {
    for (const client of ['desktop', 'mobile'] as const) {
      const o = { tr, productName: 'Copilote', provider: 'openai' as const, state, client, links };
      cards.push([`help ${state} ${client}`, helpCard({ ...o, isAdmin: true, isOperator: true })]);
      cards.push([`welcome ${state} ${client}`, welcomeCard(o)]);
    }
  }
  for (const provider of PROVIDERS) {
    const o = { tr, productName: 'Copilote', provider, state: 'active' as const, client: 'desktop' as const, links };
    cards.push([`welcome ${provider}`, welcomeCard(o)]);
  }
  REFUSALS.forEach((refusal, i) => {
    for (const client of ['desktop', 'mobile'] as const)
      cards.push([`refusal ${i} ${refusal.kind} ${client}`, refusalCard(tr, refusal, links, 'Copilote', client)]);
  });
  const summary = summarizeUsage(business, subscription, { messages: 12_345, premium_messages: 7 }, period, now);
  const capped = summarizeUsage(starter, subscription, { messages: 1500 }, period, now);
  for (const client of ['desktop', 'mobile'] as const) {
    cards.push([`usage ${client}`, usageCard(tr, summary, business, subscription, links, client, 9, 'Teams AI')]);
    cards.push([`usage capped ${client}`, usageCard(tr, capped, starter, subscription, links, client)]);
    cards.push([`usage ended ${client}`, usageCard(tr, summary, business, { status: 'Unsubscribed' }, links, client)]);
    cards.push([`plan ${client}`, planCard(tr, subscription, business, catalog, links, client, 3)]);
  }
  cards.push([
    'stats',
    statsCard(
      tr,
      [
        { day: '2026-03-19', turns: 1200 },
        { day: '2026-03-20', turns: 1 },
      ],
      [{ userId: 'u', userName: 'Ada', turns: 1, quantity: 2 }],
      { offerName: 'Teams AI', plan: business },
    ),
  ]);
  cards.push(['stats empty', statsCard(tr, [{ day: '2026-03-20', turns: 0 }], [])]);
  const seat = (userId: string, assignedBy: string) => ({ subscriptionId: 'sub-1', userId, assignedAt: now, assignedBy });
  cards.push(['seats', seatsCard(tr, [seat('ada', 'auto'), seat('bob', 'ada'), seat('eve', 'ada')], 2, { offerName: 'Teams AI', plan: business })]);
  cards.push(['seats empty', seatsCard(tr, [], 1)]);
  cards.push([
    'admins',
    adminsCard(tr, [{ tenantId: 't', userId: 'eve', userName: 'Eve', addedBy: 'ada', addedAt: now }], [subscription], 't'),
  ]);
  const view: MeteringOverviewView = {
    generatedAt: now.toISOString(),
    alerts: [{ key: 'metering.auth', message: 'Token refused', since: now.toISOString(), lastSeen: now.toISOString(), count: 3 }],
    byStatus: { Accepted: { reports: 2, quantity: 1500 }, Conflict: { reports: 1, quantity: 1 } },
    attention: [
      {
        id: 12,
        subscriptionId: 'sub-1',
        dimension: 'messages',
        hourStart: now,
        status: 'Conflict',
        quantity: 1200,
        acceptedQuantity: 1000,
        attempts: 1,
        errorCode: 'Conflict',
      },
    ],
    billedThisPeriod: [
      {
        subscriptionId: 'sub-1',
        name: 'Contoso',
        planId: 'business',
        periodStart: '2026-03-01',
        units: { messages: 1200, premium_messages: 3 },
        amount: 1234.5,
        currency: 'EUR',
      },
    ],
  };
  cards.push(['metering', meteringCard(tr, view)]);
  cards.push(['metering empty', meteringCard(tr, { ...view, alerts: [], byStatus: {}, attention: [], billedThisPeriod: [] })]);
  cards.push(['subscriptions', subscriptionsCard(tr, [subscription, flatRate])]);
  cards.push(['revenue', revenueCard(tr, [{ currency: 'EUR', base: 1234.5, overage: 10, subscriptions: 2 }])]);
  cards.push(['revenue empty', revenueCard(tr, [])]);
  return cards;
}

describe('cards in every language', () => {
  it.each(LOCALES)('%s: no card shows a raw catalog key or an empty text', (locale) => {
    for (const [name, card] of everyCard(locale)) {
      const texts = visibleTexts(card);
      expect(texts.length, name).toBeGreaterThan(0);
      for (const text of texts) {
        expect(text, `${name}: ${text}`).not.toMatch(RAW_KEY);
        expect(text.trim(), name).not.toBe('');
        expect(text, name).not.toMatch(/undefined|NaN|\[object/);
      }
    }
  });

  it('French cards are French: each card differs from its English version in most of its texts', () => {
    const english = new Map(everyCard('en'));
    expect(english.size).toBe(everyCard('en').length);
    for (const [name, card] of everyCard('fr')) {
      const en = visibleTexts(english.get(name));
      const fr = visibleTexts(card);
      expect(fr.length, name).toBe(en.length);
      const same = fr.filter((text, i) => text === en[i] && /[a-z]{4,} [a-z]{4,}/i.test(text));
      // Data stays as stored (the catalog's plan descriptions, the worker's alert messages); sentences do not.
      const data = [business.description, starter.description, 'Token refused (3×)'];
      expect(same.filter((t) => !data.includes(t)), name).toEqual([]);
    }
  });

  it('formats numbers, dates and money by the language', () => {
    const text = (locale: Locale, card: AdaptiveCard) => visibleTexts(card).join('\n');
    const summary = summarizeUsage(business, subscription, { messages: 12_345 }, period, now);
    const usage = (locale: Locale) => usageCard(translator(locale), summary, business, subscription, links, 'desktop');
    expect(text('en', usage('en'))).toContain('Business plan · Mar 1, 2026 – Apr 1, 2026 · 12 days left');
    expect(text('fr', usage('fr'))).toContain('Offre Business · 1 mars 2026 – 1 avr. 2026 · 12 jours restants');
    expect(text('en', usage('en'))).toMatch(/12,345 of [\d,]+ \(\d+%\)/);
    expect(text('fr', usage('fr'))).toMatch(/12\u202f345 sur [\d\u202f]+ \(\d+\u00a0%\)/);
    const plan = (locale: Locale) => planCard(translator(locale), subscription, business, catalog, links, 'desktop');
    expect(text('en', plan('en'))).toMatch(/€[\d,]+\.\d\d per month/);
    expect(text('fr', plan('fr'))).toMatch(/[\d\u202f]+,\d\d\u00a0€ par mois/);
    const stats = (locale: Locale) => statsCard(translator(locale), [{ day: '2026-03-20', turns: 2 }], []);
    expect(visibleTexts(stats('en'))).toContain('Fri, Mar 20');
    expect(visibleTexts(stats('fr'))).toContain('ven. 20 mars');
  });

  it('help and welcome say what the assistant does, that it is AI, whose model, and that a subscription is needed', () => {
    for (const locale of LOCALES) {
      const tr = translator(locale);
      for (const provider of PROVIDERS) {
        const o = { tr, productName: 'Copilote', provider, state: 'active' as const, client: 'desktop' as const, links };
        for (const card of [welcomeCard(o), helpCard({ ...o, isAdmin: false, isOperator: false })]) {
          const texts = visibleTexts(card).join('\n');
          expect(texts).toContain(tr.t('help.what'));
          expect(texts).toContain(tr.t('help.ai'));
          expect(texts).toContain(tr.t('help.provider', { provider }));
          expect(texts).toContain(tr.t('help.subscription', { product: 'Copilote' }));
        }
      }
    }
    const en = translator('en');
    expect(en.t('help.provider', { provider: 'openai' })).toContain('OpenAI');
    expect(en.t('help.provider', { provider: 'azure' })).toContain('Azure OpenAI');
    expect(en.t('help.provider', { provider: 'offline' })).toContain('offline development model');
    expect(translator('fr').t('help.provider', { provider: 'azure' })).toContain('Azure OpenAI');
  });

  it('the welcome card offers prompt starters that send a sample question, in the language of the user', () => {
    for (const locale of LOCALES) {
      const o = { tr: translator(locale), productName: 'Copilote', provider: 'openai' as const, state: 'active' as const, client: 'desktop' as const, links };
      const card = welcomeCard(o);
      const set = card.body.find((e) => e.type === 'ActionSet') as { actions: { type: string; title: string; data: unknown }[] };
      expect(set.actions).toHaveLength(3);
      for (const action of set.actions) {
        expect(action.type).toBe('Action.Submit');
        const value = (action.data as { msteams: { type: string; value: string } }).msteams;
        expect(value.type).toBe('imBack');
        expect(value.value.length).toBeGreaterThan(action.title.length);
      }
    }
    const french = welcomeCard({ tr: translator('fr'), productName: 'Copilote', provider: 'openai', state: 'active', client: 'desktop', links });
    expect(JSON.stringify(french)).toContain('Rédigez un court e-mail');
  });

  it('names the provider from the model configuration', () => {
    expect(modelProviderOf({ kind: 'offline' })).toBe('offline');
    expect(modelProviderOf({ kind: 'openai', apiKey: 'k', model: 'gpt-4o-mini' })).toBe('openai');
    expect(modelProviderOf({ kind: 'openai', apiKey: 'k', model: 'm', baseUrl: 'https://api.openai.com/v1' })).toBe('openai');
    expect(modelProviderOf({ kind: 'openai', apiKey: 'k', model: 'm', baseUrl: 'http://127.0.0.1:8000/v1' })).toBe('compatible');
    expect(modelProviderOf({ kind: 'azure-openai', endpoint: 'https://x', deployment: 'd', apiVersion: 'v' })).toBe('azure');
  });
});
