import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('retention settings', () => {
  it('defaults to 90 days of raw usage, 30 of message text, a run every 5 minutes, 30 days before erasure', () => {
    expect(loadConfig({}).retention).toEqual({
      usageDays: 90,
      messageTextDays: 30,
      intervalMs: 5 * 60_000,
      batchSize: 2000,
      tenantKeepDays: 30,
    });
  });

  it('refuses a usage retention shorter than a billing period, and message text kept longer than its usage', () => {
    expect(() => loadConfig({ USAGE_RETENTION_DAYS: '7' })).toThrow(/USAGE_RETENTION_DAYS/);
    expect(() => loadConfig({ USAGE_RETENTION_DAYS: '60', MESSAGE_TEXT_RETENTION_DAYS: '61' })).toThrow(
      /MESSAGE_TEXT_RETENTION_DAYS must be at most USAGE_RETENTION_DAYS \(60\)/,
    );
    expect(
      loadConfig({ USAGE_RETENTION_DAYS: '60', MESSAGE_TEXT_RETENTION_DAYS: '7', RETENTION_INTERVAL_MINUTES: '0' }).retention,
    ).toMatchObject({ usageDays: 60, messageTextDays: 7, intervalMs: 0 });
  });
});
