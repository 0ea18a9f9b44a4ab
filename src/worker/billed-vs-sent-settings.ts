import type { ConfigProblems, Reader } from '../config-reader';
import type { Environment } from '../config';

/** The billed-vs-sent job's settings (README "Billed vs sent"). */
export interface BilledVsSentSettings {
  /**
   * The metering worker runs the job once a day (`BILLED_VS_SENT`).
   * @defaultValue true
   */
  enabled: boolean;
  /**
   * The daily run is due from this hour (UTC) on (`BILLED_VS_SENT_HOUR_UTC`): late enough for yesterday's last hours
   * to be sent and processed.
   * @defaultValue 6
   */
  hourUtc: number;
  /**
   * How many complete days before today each run compares (`BILLED_VS_SENT_DAYS`): yesterday and the days before it,
   * compared again because hours settle late and Microsoft processes rows later.
   * @defaultValue 3
   */
  windowDays: number;
  /**
   * After a failed run (the Marketplace down, the store down), the next try comes this long after
   * (`BILLED_VS_SENT_RETRY_MINUTES`).
   * @defaultValue 60 minutes
   */
  retryMs: number;
  /**
   * Comparisons and runs older than this many days are forgotten (`BILLED_VS_SENT_RETENTION_DAYS`).
   * @defaultValue 400 (13 months: a year of history for the console)
   */
  retentionDays: number;
}

export const DEFAULT_BILLED_VS_SENT: Readonly<BilledVsSentSettings> = Object.freeze({
  enabled: true,
  hourUtc: 6,
  windowDays: 3,
  retryMs: 60 * 60_000,
  retentionDays: 400,
});

export function loadBilledVsSentSettings(r: Reader, problems: ConfigProblems, env: Environment): BilledVsSentSettings {
  const settings: BilledVsSentSettings = {
    enabled: r.bool('BILLED_VS_SENT', DEFAULT_BILLED_VS_SENT.enabled),
    hourUtc: r.int('BILLED_VS_SENT_HOUR_UTC', DEFAULT_BILLED_VS_SENT.hourUtc, 0, 23),
    windowDays: r.int('BILLED_VS_SENT_DAYS', DEFAULT_BILLED_VS_SENT.windowDays, 1, 31),
    retryMs: r.int('BILLED_VS_SENT_RETRY_MINUTES', DEFAULT_BILLED_VS_SENT.retryMs / 60_000, 5, 24 * 60) * 60_000,
    retentionDays: r.int('BILLED_VS_SENT_RETENTION_DAYS', DEFAULT_BILLED_VS_SENT.retentionDays, 31, 3650),
  };
  // Comparisons must outlive the days each run compares again, or a run would recreate what pruning removed.
  if (settings.retentionDays <= settings.windowDays)
    problems.add('BILLED_VS_SENT_RETENTION_DAYS', `more than BILLED_VS_SENT_DAYS (${settings.windowDays})`);
  // Billing proof is what this job is for: production keeps at least a year of it.
  if (env === 'production' && settings.retentionDays < 366)
    problems.add(
      'BILLED_VS_SENT_RETENTION_DAYS',
      'at least 366 in production (a year of billing proof)',
      r.raw('BILLED_VS_SENT_RETENTION_DAYS'),
    );
  return settings;
}
