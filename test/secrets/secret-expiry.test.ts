import { describe, expect, it } from 'vitest';
import { secretExpiryStatus } from '../../src/secrets/secret-expiry';

const EXPIRES = new Date('2027-03-31T00:00:00Z');
const ROTATE = 'rotate it in Entra ID and update MARKETPLACE_CLIENT_SECRET.';

describe('secretExpiryStatus', () => {
  it.each([
    ['no expiry configured', undefined, '2027-03-01T00:00:00Z', 30, { state: 'unknown' }],
    ['months ahead', EXPIRES, '2026-12-01T00:00:00Z', 30, { state: 'ok', daysLeft: 120 }],
    ['just outside the window', EXPIRES, '2027-02-28T23:59:59Z', 30, { state: 'ok', daysLeft: 30 }],
    [
      'exactly at the window',
      EXPIRES,
      '2027-03-01T00:00:00Z',
      30,
      { state: 'expiring', daysLeft: 30, message: `The Marketplace client secret expires in 30 days (2027-03-31): ${ROTATE}` },
    ],
    [
      'days rounded down',
      EXPIRES,
      '2027-03-18T12:00:00Z',
      30,
      { state: 'expiring', daysLeft: 12, message: `The Marketplace client secret expires in 12 days (2027-03-31): ${ROTATE}` },
    ],
    [
      'one day left',
      EXPIRES,
      '2027-03-29T20:00:00Z',
      30,
      { state: 'expiring', daysLeft: 1, message: `The Marketplace client secret expires in 1 day (2027-03-31): ${ROTATE}` },
    ],
    [
      'hours left',
      EXPIRES,
      '2027-03-30T20:00:00Z',
      30,
      {
        state: 'expiring',
        daysLeft: 0,
        message: `The Marketplace client secret expires in less than a day (2027-03-31): ${ROTATE}`,
      },
    ],
    ['a custom window', EXPIRES, '2027-03-18T12:00:00Z', 7, { state: 'ok', daysLeft: 12 }],
    [
      'the instant it expires',
      EXPIRES,
      '2027-03-31T00:00:00Z',
      30,
      {
        state: 'expired',
        daysLeft: 0,
        message: `The Marketplace client secret expired today (2027-03-31): Marketplace calls fail until you ${ROTATE}`,
      },
    ],
    [
      'a day after',
      EXPIRES,
      '2027-04-01T06:00:00Z',
      30,
      {
        state: 'expired',
        daysLeft: -1,
        message: `The Marketplace client secret expired 1 day ago (2027-03-31): Marketplace calls fail until you ${ROTATE}`,
      },
    ],
    [
      'long expired',
      EXPIRES,
      '2027-04-10T00:00:00Z',
      30,
      {
        state: 'expired',
        daysLeft: -10,
        message: `The Marketplace client secret expired 10 days ago (2027-03-31): Marketplace calls fail until you ${ROTATE}`,
      },
    ],
  ])('%s', (_case, expiresAt, now, warnDays, expected) => {
    expect(secretExpiryStatus(expiresAt, new Date(now), warnDays)).toEqual(expected);
  });

  it('warns 30 days ahead by default', () => {
    expect(secretExpiryStatus(EXPIRES, new Date('2027-03-02T00:00:00Z')).state).toBe('expiring');
    expect(secretExpiryStatus(EXPIRES, new Date('2027-02-28T00:00:00Z')).state).toBe('ok');
  });
});
