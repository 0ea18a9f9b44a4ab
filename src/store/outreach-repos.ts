import type { AlertEvent } from '../domain/alert-events';
import type { ClientKind } from '../domain/client-kind';
import type { NoticeKind } from '../domain/tenant-notices';
import type { Locale } from '../i18n/locale';

/**
 * Store facets of proactive messages (issue 13): conversation references, operator alert events with their
 * deliveries, and tenant notices. Implemented by sqlite-outreach.ts and mssql-outreach.ts (migration 0009).
 */

/** Where and how to reach a chat outside a turn: the parts of a Bot Framework conversation reference we keep. */
export interface ConversationAddress {
  serviceUrl: string;
  channelId: string;
  conversationId: string;
  conversationType?: string;
  tenantId?: string;
  botId: string;
  botName?: string;
  /** The user's channel id (`29:…`) in a personal chat. */
  userChannelId?: string;
}

export interface StoredConversation {
  /** `user:<tenant>:<aad object id>` for personal chats, `named:<name>` for chats captured on purpose. */
  key: string;
  address: ConversationAddress;
  /** The language and client of the last message seen there (or of the operator who captured it). */
  locale: Locale;
  client: ClientKind;
  updatedAt: Date;
}

export const conversationKeys = {
  user: (tenantId: string, userId: string) => `user:${tenantId}:${userId}`,
  named: (name: string) => `named:${name}`,
};

export interface ConversationRepo {
  /** Inserts or replaces by key. */
  save(conversation: StoredConversation): Promise<void>;
  get(key: string): Promise<StoredConversation | undefined>;
  /** False when there was none. */
  remove(key: string): Promise<boolean>;
}

/** Where an alert is delivered. */
export type AlertChannel = 'teams' | 'webhook';
/** `skipped`: the channel is not set up (no operators' chat captured); nothing was sent. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface AlertDeliveryState {
  channel: AlertChannel;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
  lastError?: string;
}

export interface StoredAlert {
  event: AlertEvent;
  /** How many times the same problem was raised again in the same state (not delivered again). */
  repeats: number;
  deliveries: AlertDeliveryState[];
}

/** One claimed delivery: the event to send on one channel, and the attempts made before. */
export interface DueDelivery {
  event: AlertEvent;
  channel: AlertChannel;
  attempts: number;
}

export interface DeliveryAttempt {
  eventId: string;
  channel: AlertChannel;
  /** `retry`: failed, tried again at `nextAttemptAt`. */
  outcome: 'delivered' | 'retry' | 'failed' | 'skipped';
  at: Date;
  nextAttemptAt?: Date;
  httpStatus?: number;
  durationMs?: number;
  /** A short reason (status line, error code); never a secret or a body. */
  detail?: string;
}

export interface DeliveryLogEntry extends DeliveryAttempt {
  attempt: number;
}

export interface AlertEventRepo {
  /**
   * One transaction: a new problem, a new state of a known problem or a problem resolved before records the event and
   * one pending delivery per channel (`recorded`); the same problem in the same state only counts a repeat
   * (`duplicate`). Concurrent raises of one problem record it once (the problem row is unique).
   */
  record(event: AlertEvent, channels: readonly AlertChannel[]): Promise<'recorded' | 'duplicate'>;
  /** The problem is over: its next raise alerts again. False when it was not open. */
  resolve(problem: string, at: Date): Promise<boolean>;
  /**
   * Pending deliveries due at `now`, oldest first, each claimed until `leaseUntil` (its next attempt moves there, so
   * another instance does not send it meanwhile; a sender that dies leaves it due again after the lease).
   */
  claimDue(input: { now: Date; leaseUntil: Date; limit: number }): Promise<DueDelivery[]>;
  /** Records an attempt in the delivery log and the delivery's new state. */
  settle(attempt: DeliveryAttempt): Promise<void>;
  /** The newest events with their delivery states. */
  recent(limit: number): Promise<StoredAlert[]>;
  /** Every attempt of one event, in order. */
  log(eventId: string): Promise<DeliveryLogEntry[]>;
  /**
   * Retention: forgets events that occurred before `before` (with their deliveries and log) once none of their
   * deliveries is still pending. Problem rows stay, so an old problem in the same state still does not alert again.
   */
  prune(before: Date): Promise<number>;
}

export interface NoticeRepo {
  /**
   * Claims a notice for a tenant: true for the one caller that inserts (tenant, key), false for every other (a
   * conditional insert on a unique key, so concurrent turns crossing one threshold send one notice).
   */
  claim(input: { tenantId: string; key: string; kind: NoticeKind; at: Date }): Promise<boolean>;
  /** The kinds this tenant's admins turned off. */
  disabledKinds(tenantId: string): Promise<NoticeKind[]>;
  setEnabled(input: { tenantId: string; kind: NoticeKind; enabled: boolean; by: string; at: Date }): Promise<void>;
  /** Retention: forgets notices claimed before `before` (their keys name periods and term ends long past). */
  prune(before: Date): Promise<number>;
}
