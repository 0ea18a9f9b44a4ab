import type { Plan } from '../../domain/plans';
import type { Clock } from '../../domain/clock';
import type { SubscriptionRecord } from './emulator-types';
import { hourStartOf, judgeUsageEvent, usageKey, type UsageVerdict } from './metering-rules';

/**
 * What the Metering API keeps: the usage events it accepted, at most one per (resource, dimension, clock hour)
 * ever. The rules are metering-rules.ts's; the subscriptions and plans they are judged against are the fulfillment
 * state's (emulator-state.ts), read through `MeteringStateOptions`.
 */

export interface AcceptedUsageRecord {
  usageEventId: string;
  messageTime: string;
  resourceId: string;
  quantity: number;
  dimension: string;
  /** Normalised to ISO 8601 UTC. */
  effectiveStartTime: string;
  planId: string;
}

export interface MeteringStateOptions {
  clock: Clock;
  /** A subscription of the fulfillment state: its status and plan history decide which hours count. */
  subscription(id: string): SubscriptionRecord | undefined;
  plan(id: string): Plan | undefined;
  /** Called after every accepted event (the emulator persists then). */
  onChange: () => void;
  /** Accepted events of a saved state. */
  saved?: readonly AcceptedUsageRecord[];
}

export class MeteringState {
  private readonly usage: AcceptedUsageRecord[] = [];
  private readonly usageByKey = new Map<string, AcceptedUsageRecord>();

  constructor(private readonly options: MeteringStateOptions) {
    for (const u of options.saved ?? []) {
      this.usage.push(u);
      this.usageByKey.set(usageKeyOf(u), u);
    }
  }

  /** Judges one event and keeps it when accepted. */
  submit(event: unknown): UsageVerdict {
    const verdict = judgeUsageEvent(
      {
        now: this.options.clock.now(),
        subscription: (id) => this.options.subscription(id),
        plan: (id) => this.options.plan(id),
        accepted: (key) => this.usageByKey.get(key),
      },
      event,
    );
    if (verdict.status === 'Accepted') {
      this.usage.push(verdict.record);
      this.usageByKey.set(verdict.key, verdict.record);
      this.options.onChange();
    }
    return verdict;
  }

  /** Copies of the accepted events, in the order they were accepted. */
  accepted(): AcceptedUsageRecord[] {
    return this.usage.map((u) => structuredClone(u));
  }
}

function usageKeyOf(u: AcceptedUsageRecord): string {
  return usageKey(u.resourceId, u.dimension, hourStartOf(new Date(u.effectiveStartTime)));
}
