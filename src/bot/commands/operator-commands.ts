import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import type { PlanCatalog } from '../../domain/plans';
import { planMonthlyPrice } from '../../domain/revenue';
import { roundMoney } from '../../domain/usage-report';
import { meteringOverview } from '../../marketplace/metering-overview';
import type { Store } from '../../store/store';
import { meteringCard, revenueCard, subscriptionsCard } from '../cards/operator-cards';
import type { OperatorCommandName } from './command-syntax';
import type { Reply } from './tenant-commands';

/** `metering resend 12 [note]`, `metering resolve 12 checked with Microsoft support` (a leading `/` is accepted). */
const METERING_ACTION = /^\/?metering\s+(resend|resolve)\s+#?(\d{1,15})(?:\s+([\s\S]{1,500}))?$/i;

/**
 * The publisher's commands (`metering`, `subscriptions`, `revenue`), for the Entra object ids configured as
 * operators only: they see every tenant, so nobody else may run them.
 */
export class OperatorCommands {
  constructor(
    private readonly deps: {
      store: Store;
      catalog: PlanCatalog;
      clock: Clock;
      operatorIds: readonly string[];
      /** Retrying hours show in the attention list after this many failed calls. */
      attentionAttempts?: number;
    },
  ) {}

  isOperator(identity: TurnIdentity): boolean {
    return !!identity.userId && this.deps.operatorIds.includes(identity.userId);
  }

  async run(name: OperatorCommandName, identity: TurnIdentity, text = ''): Promise<Reply> {
    if (!this.isOperator(identity))
      return { text: `Sorry, "${name}" is for the publisher's operators only. Type "help" to see what you can do.` };
    const now = this.deps.clock.now();
    switch (name) {
      case 'metering': {
        const action = METERING_ACTION.exec(text.trim());
        if (action) return this.meteringAction(action, identity.userId!, now);
        return { card: meteringCard(await this.overview(now)) };
      }
      case 'subscriptions':
        return { card: subscriptionsCard(await this.deps.store.subscriptions.list()) };
      case 'revenue':
        return { card: revenueCard(await this.revenue(now)) };
    }
  }

  private overview(now: Date) {
    const attentionAttempts = this.deps.attentionAttempts;
    return meteringOverview(this.deps.store, this.deps.catalog, now, attentionAttempts ? { attentionAttempts } : {});
  }

  /** `metering resend N [note]` and `metering resolve N note`: the operator's way out of the attention list. */
  private async meteringAction(match: RegExpExecArray, by: string, at: Date): Promise<Reply> {
    const verb = match[1]!.toLowerCase() as 'resend' | 'resolve';
    const id = Number(match[2]);
    const note = match[3]?.trim() ?? '';
    if (verb === 'resolve' && !note)
      return { text: 'Please say why: "metering resolve" followed by the hour\'s number, then a note.' };
    const outcome =
      verb === 'resend'
        ? await this.deps.store.metering.resend(id, { by, at, ...(note ? { note } : {}) })
        : await this.deps.store.metering.resolve(id, { by, at, note });
    if (outcome === 'not-found') return { text: `There is no metered hour #${id}.` };
    if (outcome === 'not-eligible')
      return {
        text:
          verb === 'resend'
            ? `Hour #${id} is not failed, so there is nothing to re-send.`
            : `Hour #${id} is neither failed nor in conflict, so there is nothing to resolve.`,
      };
    return {
      text:
        verb === 'resend'
          ? `Hour #${id} will be sent again on the worker's next pass (carried into the current hour if it is too old by then).`
          : `Hour #${id} is marked resolved, with your note.`,
    };
  }

  private async revenue(now: Date) {
    const [subscriptions, metering] = await Promise.all([this.deps.store.subscriptions.list(), this.overview(now)]);
    const byCurrency = new Map<string, { currency: string; base: number; overage: number; subscriptions: number }>();
    const line = (currency: string) =>
      byCurrency.get(currency) ?? byCurrency.set(currency, { currency, base: 0, overage: 0, subscriptions: 0 }).get(currency)!;
    for (const s of subscriptions.filter((x) => x.status === 'Subscribed')) {
      const plan = this.deps.catalog.get(s.planId);
      if (!plan) continue;
      const l = line(plan.currency);
      l.subscriptions += 1;
      l.base = roundMoney(l.base + planMonthlyPrice(plan, s.quantity));
    }
    for (const b of metering.billedThisPeriod) {
      const l = line(b.currency);
      l.overage = roundMoney(l.overage + b.amount);
    }
    return [...byCurrency.values()];
  }
}
