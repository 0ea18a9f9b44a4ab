import { showsPurchaseUi, type ClientKind } from '../domain/client-kind';
import type { AllowanceThreshold, NoticeKind } from '../domain/tenant-notices';
import { translator } from '../i18n/translator';
import type { Locale } from '../i18n/locale';
import { adaptiveCard, note, paragraph, title, type AdaptiveCard, type CardElement } from '../bot/cards/adaptive-card';
import { purchaseActions } from '../bot/cards/browser-links';
import type { ProactiveMessage, Recipient } from '../bot/proactive/proactive-messenger';

/** Links a notice may offer (never on a phone: src/domain/client-kind.ts). */
export interface NoticeLinks {
  manageSubscriptionUrl: string;
}

function card(locale: Locale, kind: NoticeKind, heading: string, body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  const t = translator(locale);
  return adaptiveCard([title(heading), ...body, note(t.t('notices.turnOff', { kind }))], actions);
}

const dateOf = (locale: Locale, d: Date) => translator(locale).date(d, { dateStyle: 'long', timeZone: 'UTC' });

export function quotaNotice(
  input: { percent: AllowanceThreshold; dimension: string; used: number; included: number; periodEnd: Date; overage: boolean },
  links: NoticeLinks,
) {
  return ({ locale, client }: Recipient): ProactiveMessage => {
    const t = translator(locale);
    // The period's last day: `end` is exclusive.
    const periodEnd = dateOf(locale, new Date(input.periodEnd.getTime() - 1));
    const heading = t.t('notices.quota.title', { percent: input.percent, dimension: input.dimension });
    const body = [paragraph(t.t('notices.quota.body', { ...input, periodEnd }))];
    if (input.percent === 100) body.push(paragraph(t.t(input.overage ? 'notices.quota.overage' : 'notices.quota.full')));
    if (!showsPurchaseUi(client)) body.push(paragraph(t.t('notices.quota.mobile')));
    return { card: card(locale, 'quota', heading, body, upgrade(client, locale, links)) };
  };
}

function upgrade(client: ClientKind, locale: Locale, links: NoticeLinks): CardElement[] {
  return purchaseActions(client, [translator(locale).t('common.upgrade'), links.manageSubscriptionUrl]);
}

export function seatsFullNotice(input: { seats: number; userName?: string; productName: string }) {
  return ({ locale }: Recipient): ProactiveMessage => {
    const t = translator(locale);
    const name = input.userName ?? t.t('notices.seatsFull.someone');
    return {
      card: card(locale, 'seats', t.t('notices.seatsFull.title'), [
        paragraph(t.t('notices.seatsFull.body', { name, seats: input.seats, product: input.productName })),
      ]),
    };
  };
}

export function suspendedNotice(input: { productName: string }, links: NoticeLinks) {
  return ({ locale, client }: Recipient): ProactiveMessage => {
    const t = translator(locale);
    const body = [paragraph(t.t('notices.suspended.body', { product: input.productName }))];
    if (!showsPurchaseUi(client)) body.push(paragraph(t.t('notices.suspended.mobile')));
    const actions = purchaseActions(client, [t.t('common.manage'), links.manageSubscriptionUrl]);
    return { card: card(locale, 'subscription', t.t('notices.suspended.title'), body, actions) };
  };
}

export function endingNotice(input: { productName: string; days: number; endDate: Date; trial: boolean }, links: NoticeLinks) {
  return ({ locale, client }: Recipient): ProactiveMessage => {
    const t = translator(locale);
    const values = { product: input.productName, days: input.days, endDate: dateOf(locale, input.endDate) };
    const heading = t.t(input.trial ? 'notices.trialEnding.title' : 'notices.ending.title');
    const body = [paragraph(t.t(input.trial ? 'notices.trialEnding.body' : 'notices.ending.body', values))];
    const actions = purchaseActions(client, [t.t('common.manage'), links.manageSubscriptionUrl]);
    return { card: card(locale, input.trial ? 'trial' : 'subscription', heading, body, actions) };
  };
}

export function seatChangeNotice(input: { change: 'given' | 'lost'; productName: string }) {
  return ({ locale }: Recipient): ProactiveMessage => ({
    text: translator(locale).t(input.change === 'given' ? 'notices.seat.given' : 'notices.seat.lost', { product: input.productName }),
  });
}
