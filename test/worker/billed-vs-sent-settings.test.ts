import { describe, expect, it } from 'vitest';
import { daysFromArgs } from '../../scripts/billed-vs-sent';
import { loadConfig } from '../../src/config';
import { testEnv } from '../helpers/test-app';

describe('billed-vs-sent settings and script arguments', () => {
  it('has defaults, reads every setting, and names a bad one', () => {
    expect(loadConfig(testEnv()).billedVsSent).toEqual({
      enabled: true,
      hourUtc: 6,
      windowDays: 3,
      retryMs: 3_600_000,
      retentionDays: 400,
    });
    expect(
      loadConfig(
        testEnv({
          BILLED_VS_SENT: 'false',
          BILLED_VS_SENT_HOUR_UTC: '23',
          BILLED_VS_SENT_DAYS: '7',
          BILLED_VS_SENT_RETRY_MINUTES: '15',
          BILLED_VS_SENT_RETENTION_DAYS: '90',
        }),
      ).billedVsSent,
    ).toEqual({ enabled: false, hourUtc: 23, windowDays: 7, retryMs: 900_000, retentionDays: 90 });
    expect(() => loadConfig(testEnv({ BILLED_VS_SENT_HOUR_UTC: '24' }))).toThrow(
      /BILLED_VS_SENT_HOUR_UTC must be an integer between 0 and 23/,
    );
    expect(() => loadConfig(testEnv({ BILLED_VS_SENT_DAYS: '31', BILLED_VS_SENT_RETENTION_DAYS: '31' }))).toThrow(
      /BILLED_VS_SENT_RETENTION_DAYS must be more than BILLED_VS_SENT_DAYS \(31\)/,
    );
  });

  it('keeps at least a year of billing proof in production', () => {
    const problems = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', BILLED_VS_SENT_RETENTION_DAYS: '100' });
        return '';
      } catch (thrown) {
        return (thrown as Error).message;
      }
    })();
    expect(problems).toContain(
      'BILLED_VS_SENT_RETENTION_DAYS must be at least 366 in production (a year of billing proof) (got "100")',
    );
  });

  it('reads the days of `npm run billed-vs-sent`', () => {
    expect(daysFromArgs([])).toBeUndefined();
    expect(daysFromArgs(['--day', '2026-03-10', '--day', '2026-03-12'])).toEqual(['2026-03-10', '2026-03-12']);
    expect(daysFromArgs(['--from', '2026-02-27', '--to', '2026-03-02'])).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(daysFromArgs(['--day', '2026-02-30'])).toMatch(/every --day/);
    expect(daysFromArgs(['--from', '2026-03-02', '--to', '2026-03-01'])).toMatch(/--to not before --from/);
    expect(daysFromArgs(['--from', '2025-01-01', '--to', '2026-03-01'])).toMatch(/at most 366 days/);
    expect(daysFromArgs(['--frob'])).toMatch(/unknown argument --frob/);
  });
});
