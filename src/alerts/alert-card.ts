import type { AlertEvent, AlertEventType } from '../domain/alert-events';
import { translator, type TextKey } from '../i18n/translator';
import type { Locale } from '../i18n/locale';
import { adaptiveCard, facts, note, paragraph, title, type AdaptiveCard } from '../bot/cards/adaptive-card';
import type { StoredAlert } from '../store/outreach-repos';

/** `metering.conflict` → `alerts.title.meteringConflict`. */
function titleKey(type: AlertEventType): TextKey {
  const camel = type.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase());
  return `alerts.title.${camel}` as TextKey;
}

/** One alert posted in the operators' chat: translated title and labels; the summary and data as the webhook has them. */
export function alertCard(event: AlertEvent, locale: Locale): AdaptiveCard {
  const t = translator(locale);
  const pairs: [string, string][] = [
    [t.t('alerts.fact.event'), event.type],
    [t.t('alerts.fact.when'), `${t.date(event.occurredAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`],
  ];
  if (event.subscriptionId) pairs.push([t.t('alerts.fact.subscription'), event.subscriptionId]);
  if (event.tenantId) pairs.push([t.t('alerts.fact.tenant'), event.tenantId]);
  for (const [key, value] of Object.entries(event.data)) if (value !== null) pairs.push([key, String(value)]);
  return adaptiveCard([
    title(`${t.t(`alerts.severity.${event.severity}`)} · ${t.t(titleKey(event.type))}`),
    paragraph(event.summary),
    facts(pairs),
    note(event.id),
  ]);
}

/** The operator's `alerts` command: the latest alerts with their delivery states. */
export function alertListCard(alerts: readonly StoredAlert[], locale: Locale, webhookOn: boolean): AdaptiveCard {
  const t = translator(locale);
  const body = [title(t.t('alerts.list.title'))];
  if (!alerts.length) body.push(paragraph(t.t('alerts.list.empty')));
  for (const a of alerts) {
    const when = t.date(a.event.occurredAt, { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });
    const deliveries = a.deliveries.map((d) => t.t('alerts.list.delivery', { channel: d.channel, status: d.status })).join(' · ');
    const repeats = a.repeats ? ` · ${t.t('alerts.list.repeats', { count: a.repeats })}` : '';
    body.push(paragraph(`**${t.t(titleKey(a.event.type))}** (${when} UTC) ${a.event.summary}`, { spacing: 'Medium' }));
    body.push(note(`${deliveries}${repeats}`));
  }
  body.push(note(`${t.t('alerts.list.receivedHere')} ${t.t(webhookOn ? 'alerts.list.webhookOn' : 'alerts.list.webhookOff')}`));
  return adaptiveCard(body);
}
