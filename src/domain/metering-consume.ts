import { hourStart } from './metering';
import type { UsageMessage } from './usage';

/** Billable units of one (subscription, dimension, hour, plan): one bucket write per group, not per message. */
export interface UnitsGroup {
  subscriptionId: string;
  dimension: string;
  /** Start of the hour the units were used in (epoch ms). */
  hour: number;
  planId: string;
  units: number;
}

export interface ConsumedBatch {
  /** Messages counted now (those with nothing billable included: they change nothing and need no memory). */
  consumed: number;
  /** Billable messages counted before (a redelivery): ignored. */
  duplicates: number;
  /** The billable units counted now, summed per (subscription, dimension, hour, plan), in order of first message. */
  groups: UnitsGroup[];
}

/**
 * What a batch of usage messages adds to the metering buckets, written once for both stores. `isFirst` is asked once
 * per billable message, in order, and says whether its id was not consumed before (the store remembers it then): the
 * first occurrence of such an id counts, a repeat, in this batch or later, does not. Where each group's units go is
 * src/domain/metering-placement.ts.
 */
export function groupConsumed(messages: readonly UsageMessage[], isFirst: (usageEventId: string) => boolean): ConsumedBatch {
  let consumed = 0;
  let duplicates = 0;
  const groups = new Map<string, UnitsGroup>();
  for (const m of messages) {
    if (!(m.billable > 0)) {
      consumed += 1;
      continue;
    }
    if (!isFirst(m.usageEventId)) {
      duplicates += 1;
      continue;
    }
    consumed += 1;
    const hour = hourStart(new Date(m.occurredAt)).getTime();
    const key = `${m.subscriptionId}\u0000${m.dimension}\u0000${hour}\u0000${m.planId}`;
    const group = groups.get(key);
    if (group) group.units += m.billable;
    else
      groups.set(key, {
        subscriptionId: m.subscriptionId,
        dimension: m.dimension,
        hour,
        planId: m.planId,
        units: m.billable,
      });
  }
  return { consumed, duplicates, groups: [...groups.values()] };
}
