import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import type { PlanCatalog } from '../../domain/plans';
import { roundMoney } from '../../domain/usage-report';
import { meteringOverview } from '../../marketplace/metering-overview';
import type { Store } from '../../store/store';
import { meteringCard, revenueCard, subscriptionsCard } from '../cards/operator-cards';
import type { Reply } from './tenant-commands';

export const OPERATOR_COMMANDS = {
  metering: /^\/metering(?=\s|$)/i,
  subscriptions: /^\/subscriptions(?=\s|$)/i,
  revenue: /^\/revenue(?=\s|$)/i,
} as const;

export type OperatorCommandName = keyof typeof OPERATOR_COMMANDS;

/**
 * The publisher's commands (`/metering`, `/subscriptions`, `/revenue`), for the Entra object ids configured as
 * operators only: they see every tenant, so nobody else may run them.
 */
export class OperatorCommands {
  constructor(private readonly deps: { store: Store; catalog: PlanCatalog; clock: Clock; operatorIds: readonly string[] }) {}

  isOperator(identity: TurnIdentity): boolean {
    return !!identity.userId && this.deps.operatorIds.includes(identity.userId);
  }

  async run(name: OperatorCommandName, identity: TurnIdentity): Promise<Reply> {
    if (!this.isOperator(identity)) return { text: `Sorry, /${name} is for the publisher's operators only.` };
    const now = this.deps.clock.now();
    switch (name) {
      case 'metering':
        return { card: meteringCard(await meteringOverview(this.deps.store, this.deps.catalog, now)) };
      case 'subscriptions':
        return { card: subscriptionsCard(await this.deps.store.subscriptions.list()) };
      case 'revenue':
        return { card: revenueCard(await this.revenue(now)) };
    }
  }

  private async revenue(now: Date) {
    const [subscriptions, metering] = await Promise.all([
      this.deps.store.subscriptions.list(),
      meteringOverview(this.deps.store, this.deps.catalog, now),
    ]);
    const byCurrency = new Map<string, { currency: string; base: number; overage: number; subscriptions: number }>();
    const line = (currency: string) =>
      byCurrency.get(currency) ?? byCurrency.set(currency, { currency, base: 0, overage: 0, subscriptions: 0 }).get(currency)!;
    for (const s of subscriptions.filter((x) => x.status === 'Subscribed')) {
      const plan = this.deps.catalog.get(s.planId);
      if (!plan) continue;
      const l = line(plan.currency);
      l.subscriptions += 1;
      l.base = roundMoney(l.base + plan.basePrice * (plan.isPricePerSeat ? (s.quantity ?? 0) : 1));
    }
    for (const b of metering.billedThisPeriod) {
      const l = line(b.currency);
      l.overage = roundMoney(l.overage + b.amount);
    }
    return [...byCurrency.values()];
  }
}
