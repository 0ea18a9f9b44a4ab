import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperatorAlerts } from '../../src/alerts/operator-alerts';
import { alertingTelemetry } from '../../src/alerts/alerting-telemetry';
import { RefusalBurstDetector, watchRefusals } from '../../src/alerts/refusal-burst';
import { AppError } from '../../src/domain/errors';
import { WebhookAuthError } from '../../src/marketplace/webhook-auth';
import { secretExpiryAlert } from '../../src/alerts/secret-expiry-alerts';
import { ALERT_EVENT_TYPES, alertPayload, type AlertEventType } from '../../src/domain/alert-events';
import {
  billingMismatchAlert,
  contentReportAlert,
  driftRepairedAlert,
  lifecycleAlert,
  MARKETPLACE_AUTH_PROBLEM,
  marketplaceAuthAlert,
  meteringAlert,
  type AlertDraft,
} from '../../src/domain/alert-triggers';
import { createLogger } from '../../src/logger';
import { LANDING_SSO_SECRET, MARKETPLACE_SECRET } from '../../src/secrets/secret-expiry';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { logTelemetry } from '../../src/telemetry/telemetry';
import { FakeClock } from '../helpers/fake-clock';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const silent = createLogger('silent');
const HOUR = new Date('2026-03-10T08:00:00.000Z');
const DAY_MS = 86_400_000;

const metering = (status: string, fields: Partial<Parameters<typeof meteringAlert>[0]> = {}) =>
  meteringAlert({ subscriptionId: 'sub-1', dimension: 'messages', hourStart: HOUR, status, quantity: 7, attempts: 1, ...fields });

/** One draft of every event type, as its trigger builds it. */
function oneOfEach(now: Date): Record<AlertEventType, AlertDraft> {
  return {
    'metering.conflict': metering('Conflict')!,
    'metering.refused': metering('Failed')!,
    'metering.held': metering('Held')!,
    'metering.carried': metering('Expired')!,
    'marketplace.auth_failed': marketplaceAuthAlert({ status: 401, detail: 'Marketplace API answered 401' }),
    'billing.mismatch': billingMismatchAlert({ subscriptionId: 'sub-1', dimension: 'messages', period: '2026-03-09', sent: 40, billed: 38 }),
    'webhook.refusals_burst': { ...refusalDraft() },
    'reconciliation.drift_repaired': driftRepairedAlert({ subscriptionId: 'sub-1', drift: 'status Subscribed → Suspended', toStatus: 'Suspended', toPlanId: 'business' }),
    'secret.expiring': secretExpiryAlert(MARKETPLACE_SECRET, new Date(now.getTime() + 20 * DAY_MS), now)!,
    'subscription.created': lifecycleAlert('subscription.created', { subscriptionId: 'sub-1', tenantId: 'tenant-a', planId: 'business' }),
    'subscription.suspended': lifecycleAlert('subscription.suspended', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-1' }),
    'subscription.reinstated': lifecycleAlert('subscription.reinstated', { subscriptionId: 'sub-1', tenantId: 'tenant-a' }),
    'subscription.cancelled': lifecycleAlert('subscription.cancelled', { subscriptionId: 'sub-1', tenantId: 'tenant-a', quantity: 3 }),
    'feedback.content_report': contentReportAlert({ reportId: 'rep-1', tenantId: 'tenant-a', reason: 'harmful' }),
  };
}
function refusalDraft(): AlertDraft {
  return { type: 'webhook.refusals_burst', severity: 'warning', problem: 'webhook.refusals', state: 'burst', summary: 'x', data: { refusals: 10, windowMinutes: 5, lastReason: 'signature' } };
}

describe('operator alert triggers and their deduplication', () => {
  let store: SqliteStore;
  let clock: FakeClock;
  let alerts: OperatorAlerts;
  let recorded: number;
  beforeEach(() => {
    store = openSqliteStore(path.join(tempDir(), 'alerts.sqlite'));
    clock = new FakeClock('2026-03-10T10:00:00.000Z');
    recorded = 0;
    alerts = new OperatorAlerts({ store, clock, logger: silent, webhook: true, onRecorded: () => (recorded += 1) });
  });
  afterEach(() => store.close());
  const types = async () => (await store.alertEvents.recent(100)).map((a) => a.event.type).reverse();

  it('metering: conflict, refused, held and carried alert once per hour and status; accepted and retrying hours do not', async () => {
    expect(metering('Accepted')).toBeUndefined();
    expect(metering('Retry')).toBeUndefined();
    expect(await alerts.raise(metering('Held'))).toBe('recorded');
    // The worker retries a held hour every half hour: no new alert while it stays held.
    expect(await alerts.raise(metering('Held', { attempts: 2 }))).toBe('duplicate');
    expect(await alerts.raise(metering('Failed', { attempts: 3 }))).toBe('recorded');
    expect(await alerts.raise(metering('Conflict', { hourStart: new Date(HOUR.getTime() + 3_600_000) }))).toBe('recorded');
    expect(await alerts.raise(metering('Conflict', { hourStart: new Date(HOUR.getTime() + 3_600_000) }))).toBe('duplicate');
    expect(await alerts.raise(metering('Expired', { dimension: 'premium_messages' }))).toBe('recorded');
    expect((await types()).sort()).toEqual(['metering.carried', 'metering.conflict', 'metering.held', 'metering.refused']);
    expect(recorded).toBe(4);
    const carried = (await store.alertEvents.recent(10)).find((a) => a.event.type === 'metering.carried');
    expect(carried!.event).toMatchObject({
      subscriptionId: 'sub-1',
      problem: 'metering:sub-1:premium_messages:2026-03-10T08:00Z',
      data: { quantity: 7, status: 'Expired', hourStart: '2026-03-10T08:00Z' },
    });
    // Each recorded alert has a pending delivery on both channels.
    expect(carried!.deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['teams', 'pending'],
      ['webhook', 'pending'],
    ]);
  });

  it('Marketplace authentication: one alert while it fails, a new one after it was resolved', async () => {
    expect(await alerts.raise(marketplaceAuthAlert({ status: 401, detail: 'HTTP 401' }))).toBe('recorded');
    expect(await alerts.raise(marketplaceAuthAlert({ status: 403, detail: 'HTTP 403' }))).toBe('duplicate');
    await alerts.resolve(MARKETPLACE_AUTH_PROBLEM);
    expect(await alerts.raise(marketplaceAuthAlert({ status: 401, detail: 'HTTP 401' }))).toBe('recorded');
    expect(await types()).toEqual(['marketplace.auth_failed', 'marketplace.auth_failed']);
  });

  it('billing mismatch (the seam for billed-vs-sent): one alert per figures of a period', async () => {
    const mismatch = (billed: number) =>
      billingMismatchAlert({ subscriptionId: 'sub-1', dimension: 'messages', period: '2026-03-09', sent: 40, billed });
    expect(await alerts.raise(mismatch(38))).toBe('recorded');
    expect(await alerts.raise(mismatch(38))).toBe('duplicate');
    expect(await alerts.raise(mismatch(39))).toBe('recorded');
  });

  it('webhook refusals: a burst of refused tokens alerts once; a quiet window ends it, so the next burst alerts again', async () => {
    const detector = new RefusalBurstDetector({ alerts, clock, threshold: 3, windowMs: 5 * 60_000 });
    // The Marketplace's signing keys out of reach is not a refusal: however often, no alert.
    const keysDown = watchRefusals(() => Promise.reject<never>(new AppError('UpstreamFailed', 'signing keys unreachable')), detector);
    for (let i = 0; i < 10; i += 1) await expect(keysDown('Bearer x')).rejects.toThrow('signing keys');
    const refuse = () => Promise.reject<never>(new WebhookAuthError('signature'));
    const verify = watchRefusals(refuse, detector);
    for (let i = 0; i < 2; i += 1) await expect(verify('Bearer x')).rejects.toThrow('webhook token refused');
    expect(recorded).toBe(0);
    for (let i = 0; i < 5; i += 1) await expect(verify('Bearer x')).rejects.toThrow();
    await waitFor(() => recorded === 1, 2000, 'the burst alert');
    // Raised by the third refused token, not by the key outage before them.
    const [first] = await store.alertEvents.recent(1);
    expect(first!.event).toMatchObject({ data: { refusals: 3, lastReason: 'signature' } });
    clock.advance(6 * 60_000);
    detector.accepted();
    for (let i = 0; i < 3; i += 1) await expect(verify('Bearer x')).rejects.toThrow();
    await waitFor(() => recorded === 2, 2000, 'the second burst alert');
    const [burst] = await store.alertEvents.recent(1);
    expect(burst!.event).toMatchObject({ type: 'webhook.refusals_burst', data: { refusals: 3, windowMinutes: 5, lastReason: 'signature' } });
  });

  it('reconciliation drift and lifecycle changes from telemetry; a suspension also notifies the tenant', async () => {
    const suspended: unknown[] = [];
    const telemetry = alertingTelemetry(logTelemetry(silent), alerts, { suspended: (s) => suspended.push(s) });
    telemetry.subscriptionEvent('SubscriptionActivated', { subscriptionId: 'sub-1', tenantId: 'tenant-a', planId: 'business', quantity: undefined });
    telemetry.subscriptionEvent('SubscriptionSuspended', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-1', toPlanId: 'business' });
    telemetry.subscriptionEvent('SubscriptionSuspended', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-1', toPlanId: 'business' });
    telemetry.subscriptionEvent('SubscriptionReinstated', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-2' });
    telemetry.subscriptionEvent('SubscriptionRenewed', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-3' });
    telemetry.subscriptionEvent('SubscriptionReconciled', { subscriptionId: 'sub-1', added: false, drift: 'quantity 3 → 5', toStatus: 'Subscribed', toPlanId: 'business' });
    telemetry.subscriptionEvent('SubscriptionReconciled', { subscriptionId: 'sub-2', added: true, toStatus: 'Subscribed', toPlanId: 'starter' });
    telemetry.subscriptionEvent('SubscriptionUnsubscribed', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-4' });
    await waitFor(async () => (await store.alertEvents.recent(100)).length === 6, 2000, 'six alerts');
    expect((await types()).sort()).toEqual(
      [
        'reconciliation.drift_repaired',
        'subscription.cancelled',
        'subscription.created',
        'subscription.created',
        'subscription.reinstated',
        'subscription.suspended',
      ].sort(),
    );
    expect(suspended).toEqual([
      { tenantId: 'tenant-a', subscriptionId: 'sub-1', since: 'op-1' },
      { tenantId: 'tenant-a', subscriptionId: 'sub-1', since: 'op-1' },
    ]);
  });

  it('secret expiry: alerts within 30 days, again within 7 and 1, and when expired; nothing before', async () => {
    const expires = new Date('2026-04-30T00:00:00.000Z');
    const at = (days: number) => new Date(expires.getTime() - days * DAY_MS);
    expect(secretExpiryAlert(MARKETPLACE_SECRET, expires, at(45))).toBeUndefined();
    expect(secretExpiryAlert(MARKETPLACE_SECRET, undefined, at(5))).toBeUndefined();
    const outcomes = [];
    for (const days of [29, 20, 6.5, 3, 0.5, -2, -3]) outcomes.push(await alerts.raise(secretExpiryAlert(MARKETPLACE_SECRET, expires, at(days))));
    expect(outcomes).toEqual(['recorded', 'duplicate', 'recorded', 'duplicate', 'recorded', 'recorded', 'duplicate']);
    expect(await alerts.raise(secretExpiryAlert(LANDING_SSO_SECRET, expires, at(10)))).toBe('recorded');
    const states = (await store.alertEvents.recent(10)).map((a) => a.event.data.variable + ':' + String(a.event.data.expired));
    expect(states).toContain('LANDING_SSO_CLIENT_SECRET:false');
    expect(states).toContain('MARKETPLACE_CLIENT_SECRET:true');
  });

  it('content reports (the seam for feedback): one alert per report, never the reported text', async () => {
    expect(await alerts.raise(contentReportAlert({ reportId: 'rep-1', tenantId: 'tenant-a', reason: 'harmful' }))).toBe('recorded');
    expect(await alerts.raise(contentReportAlert({ reportId: 'rep-1', tenantId: 'tenant-a', reason: 'harmful' }))).toBe('duplicate');
    expect(await alerts.raise(contentReportAlert({ reportId: 'rep-2', tenantId: 'tenant-a' }))).toBe('recorded');
  });

  it('every event type validates against docs/alert-events.schema.json; malformed events do not', () => {
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docs/alert-events.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({
      allErrors: true,
      formats: { 'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, date: /^\d{4}-\d\d-\d\d$/ },
    });
    const validate = ajv.compile(schema);
    const now = clock.now();
    const drafts = oneOfEach(now);
    expect(Object.keys(drafts).sort()).toEqual([...ALERT_EVENT_TYPES].sort());
    for (const [type, draft] of Object.entries(drafts)) {
      const payload = alertPayload({ ...draft, id: '0190a000-0000-7000-8000-000000000001', occurredAt: now });
      expect(payload.type).toBe(type);
      expect(validate(JSON.parse(JSON.stringify(payload))), `${type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const good = alertPayload({ ...drafts['metering.held'], id: '0190a000-0000-7000-8000-000000000001', occurredAt: now });
    expect(validate({ ...good, type: 'metering.unknown' })).toBe(false);
    expect(validate({ ...good, id: 'not-a-uuid' })).toBe(false);
    expect(validate({ ...good, data: { ...good.data, quantity: undefined } })).toBe(false);
    expect(validate({ ...good, subscriptionId: undefined })).toBe(false);
  });
});
