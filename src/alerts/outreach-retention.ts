import { DAY } from '../domain/clock';
import type { Store } from '../store/store';

/** Alert events (with their deliveries and log) are kept this long once delivered, failed or skipped. */
export const ALERT_RETENTION_MS = 90 * DAY;
/** Claimed tenant notices are kept past any period or term they name (a yearly term and some). */
export const NOTICE_RETENTION_MS = 400 * DAY;

/** Daily retention of the proactive messages' records (README "Operator alerts and tenant notices"). */
export async function pruneOutreach(store: Store, now: Date): Promise<{ alerts: number; notices: number }> {
  return {
    alerts: await store.alertEvents.prune(new Date(now.getTime() - ALERT_RETENTION_MS)),
    notices: await store.notices.prune(new Date(now.getTime() - NOTICE_RETENTION_MS)),
  };
}
