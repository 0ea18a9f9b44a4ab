import { isAlertEventType, type AlertEvent } from '../domain/alert-events';
import type { StoredConversation } from './outreach-repos';
import { supportedLocale } from '../i18n/locale';

/** How both stores write an alert event and a conversation reference as JSON text, and read them back. */
export function alertEventJson(event: AlertEvent): string {
  return JSON.stringify({ ...event, occurredAt: event.occurredAt.toISOString() });
}

export function alertEventFromJson(text: string): AlertEvent {
  const raw = JSON.parse(text) as Omit<AlertEvent, 'occurredAt'> & { occurredAt: string };
  if (!isAlertEventType(raw.type)) throw new Error(`stored alert event of unknown type ${String(raw.type)}`);
  return { ...raw, occurredAt: new Date(raw.occurredAt) };
}

export function conversationFromRow(row: {
  ref_key: string;
  address: string;
  locale: string;
  client: string;
  updatedAt: Date;
}): StoredConversation {
  return {
    key: row.ref_key,
    address: JSON.parse(row.address) as StoredConversation['address'],
    locale: supportedLocale(row.locale) ?? 'en',
    client: row.client === 'mobile' ? 'mobile' : 'desktop',
    updatedAt: row.updatedAt,
  };
}
