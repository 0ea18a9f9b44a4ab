import type { ConfigProblems, Reader } from '../config-reader';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/retention';
import { DEFAULT_TENANT_KEEP_DAYS } from '../domain/tenant-erasure';

export interface RetentionSettings extends RetentionPolicy {
  /** How often the rollup and retention job runs; 0 = never in this process. @defaultValue 5 minutes */
  intervalMs: number;
  /** Rows per step (one short transaction each). @defaultValue 2000 */
  batchSize: number;
  /** Days a tenant's data is kept after its last subscription ended, before `npm run tenant:erase` may erase it. @defaultValue 30 */
  tenantKeepDays: number;
}

/**
 * USAGE_RETENTION_DAYS, MESSAGE_TEXT_RETENTION_DAYS, RETENTION_INTERVAL_MINUTES, RETENTION_BATCH_SIZE,
 * TENANT_DATA_KEEP_DAYS. Raw usage must outlive the Metering API's 24-hour window and the billing period it is shown
 * in, so it is kept at least 35 days; message text never longer than the usage it belongs to.
 */
export function loadRetentionSettings(r: Reader, problems: ConfigProblems): RetentionSettings {
  const usageDays = r.int('USAGE_RETENTION_DAYS', DEFAULT_RETENTION.usageDays, 35, 3650);
  const messageTextDays = r.int('MESSAGE_TEXT_RETENTION_DAYS', DEFAULT_RETENTION.messageTextDays, 1, 3650);
  if (messageTextDays > usageDays) {
    problems.add('MESSAGE_TEXT_RETENTION_DAYS', `at most USAGE_RETENTION_DAYS (${usageDays})`, String(messageTextDays));
  }
  return {
    usageDays,
    messageTextDays,
    intervalMs: r.int('RETENTION_INTERVAL_MINUTES', 5, 0, 24 * 60) * 60_000,
    batchSize: r.int('RETENTION_BATCH_SIZE', 2000, 100, 100_000),
    tenantKeepDays: r.int('TENANT_DATA_KEEP_DAYS', DEFAULT_TENANT_KEEP_DAYS, 0, 3650),
  };
}
