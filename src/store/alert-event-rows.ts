import { isAlertEventType, type AlertEvent } from '../domain/alert-events';
import type { AlertChannel, AlertDeliveryState, DeliveryLogEntry, DeliveryStatus, StoredConversation } from './outreach-repos';
import { supportedLocale } from '../i18n/locale';
import { asDate, optionalDate, type Time } from './row-mapping';

/**
 * How both stores write an alert event and a conversation reference as JSON text, and read them back; and the rows
 * of alert deliveries and their log, mapped once for both.
 */
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

/** Rows of alert_deliveries and alert_delivery_log (same names in both stores), mapped once for both. */
export interface DeliveryRow {
  event_id: string;
  channel: AlertChannel;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Time | null;
  delivered_at: Time | null;
  last_error: string | null;
}

export function deliveryState(r: DeliveryRow): AlertDeliveryState {
  const next = optionalDate(r.next_attempt_at);
  const delivered = optionalDate(r.delivered_at);
  return {
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    ...(next && r.status === 'pending' ? { nextAttemptAt: next } : {}),
    ...(delivered ? { deliveredAt: delivered } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  };
}

export interface DeliveryLogRow {
  event_id: string;
  channel: AlertChannel;
  attempt: number;
  outcome: DeliveryLogEntry['outcome'];
  at: Time;
  http_status: number | null;
  duration_ms: number | null;
  detail: string | null;
}

export function toDeliveryLogEntry(r: DeliveryLogRow): DeliveryLogEntry {
  return {
    eventId: r.event_id,
    channel: r.channel,
    attempt: r.attempt,
    outcome: r.outcome,
    at: asDate(r.at),
    ...(r.http_status !== null ? { httpStatus: r.http_status } : {}),
    ...(r.duration_ms !== null ? { durationMs: r.duration_ms } : {}),
    ...(r.detail !== null ? { detail: r.detail } : {}),
  };
}
