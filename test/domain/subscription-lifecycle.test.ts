import { describe, expect, it } from 'vitest';
import { SUBSCRIPTION_STATUSES } from '../../src/domain/subscription';
import { isFinal, operationBlocker, storableStatus } from '../../src/domain/subscription-lifecycle';

const at = (iso: string) => new Date(iso);

describe('Unsubscribed is final', () => {
  it.each(SUBSCRIPTION_STATUSES)('nothing moves a stored Unsubscribed subscription to %s', (proposed) => {
    expect(storableStatus('Unsubscribed', proposed)).toBe('Unsubscribed');
  });

  it('any other stored status takes what the source says', () => {
    for (const stored of SUBSCRIPTION_STATUSES.filter((s) => s !== 'Unsubscribed'))
      for (const proposed of SUBSCRIPTION_STATUSES) expect(storableStatus(stored, proposed)).toBe(proposed);
    expect(storableStatus(undefined, 'Subscribed')).toBe('Subscribed');
    expect(SUBSCRIPTION_STATUSES.filter(isFinal)).toEqual(['Unsubscribed']);
  });
});

describe('which operations are not applied', () => {
  it.each([
    [{ operationStatus: 'Failed' }, 'the Marketplace reports the operation Failed'],
    [{ operationStatus: 'Conflict', storedStatus: 'Subscribed' as const }, 'the Marketplace reports the operation Conflict'],
    [{ operationStatus: 'Succeeded', storedStatus: 'Unsubscribed' as const }, 'Unsubscribed, which is final'],
    [
      // Unsubscribed wins over ordering: even a newer operation does not bring the subscription back.
      { operationStatus: 'Succeeded', storedStatus: 'Unsubscribed' as const, operationTime: at('2026-03-10T12:00:00Z'), newestApplied: at('2026-03-10T10:00:00Z') },
      'Unsubscribed, which is final',
    ],
    [
      { operationStatus: 'Succeeded', storedStatus: 'Subscribed' as const, operationTime: at('2026-03-10T09:59:59.999Z'), newestApplied: at('2026-03-10T10:00:00Z') },
      'out of order: created 2026-03-10T09:59:59.999Z, before the newest state applied (2026-03-10T10:00:00.000Z)',
    ],
  ])('%o is blocked: %s', (facts, reason) => {
    expect(operationBlocker(facts)).toContain(reason);
  });

  it.each([
    [{ operationStatus: 'Succeeded', storedStatus: 'Suspended' as const }],
    [{ operationStatus: 'InProgress', storedStatus: 'Subscribed' as const }],
    [{ operationStatus: 'NotStarted' }],
    [{}],
    // Equal times are applied; an operation without a time, or a subscription without a mark, cannot be ordered.
    [{ operationStatus: 'Succeeded', operationTime: at('2026-03-10T10:00:00Z'), newestApplied: at('2026-03-10T10:00:00Z') }],
    [{ operationStatus: 'Succeeded', operationTime: at('2026-03-10T10:00:01Z'), newestApplied: at('2026-03-10T10:00:00Z') }],
    [{ operationStatus: 'Succeeded', newestApplied: at('2026-03-10T10:00:00Z') }],
    [{ operationStatus: 'Succeeded', operationTime: at('2020-01-01T00:00:00Z') }],
  ])('%o is applied', (facts) => {
    expect(operationBlocker(facts)).toBeNull();
  });
});
