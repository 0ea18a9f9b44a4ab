import { DEFAULT_FEEDBACK_SETTINGS, type FeedbackSettings } from '../feedback/feedback-settings';
import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import type { PlanCatalog } from '../../domain/plans';
import type { Translator } from '../../i18n/translator';
import { planMonthlyPrice } from '../../domain/revenue';
import { roundMoney } from '../../domain/usage-report';
import { meteringOverview } from '../../marketplace/metering-overview';
import type { Store } from '../../store/store';
import { meteringCard, revenueCard, subscriptionsCard } from '../cards/operator-cards';
import { billedVsSentReply } from './billed-command';
import type { OperatorCommandName } from './command-syntax';
import { reportsReply } from './reports-command';
import type { Reply } from './tenant-commands';

/** `metering resend 12 [note]`, `metering resolve 12 checked with Microsoft support` (a leading `/` is accepted). */
const METERING_ACTION = /^\/?metering\s+(resend|resolve)\s+#?(\d{1,15})(?:\s+([\s\S]{1,500}))?$/i;

/**
 * The publisher's commands (`metering`, `subscriptions`, `revenue`, `reports`), for the Entra object ids configured as
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
      /** The hour (UTC) the daily billed-vs-sent run is due, for the `billed` card (default 6). */
      billedVsSentHourUtc?: number;
      /** How long feedback and the text of rated answers are kept (said on the `reports` card). */
      feedbackRetention?: FeedbackSettings;
    },
  ) {}

  isOperator(identity: TurnIdentity): boolean {
    return !!identity.userId && this.deps.operatorIds.includes(identity.userId);
  }

  /** `tr`: the operator's language (their Teams locale). */
  async run(name: OperatorCommandName, identity: TurnIdentity, text: string, tr: Translator): Promise<Reply> {
    if (!this.isOperator(identity)) return { text: tr.t('commands.operatorsOnly', { command: name }) };
    const now = this.deps.clock.now();
    switch (name) {
      case 'metering': {
        const action = METERING_ACTION.exec(text.trim());
        if (action) return this.meteringAction(tr, action, identity.userId!, now);
        return { card: meteringCard(tr, await this.overview(now)) };
      }
      case 'subscriptions':
        return { card: subscriptionsCard(tr, await this.deps.store.subscriptions.list()) };
      case 'revenue':
        return { card: revenueCard(tr, await this.revenue(now)) };
      case 'billed':
        return billedVsSentReply(this.deps.store, tr, this.deps.billedVsSentHourUtc ?? 6);
      case 'reports':
        return reportsReply(this.deps.store.feedback, this.deps.feedbackRetention ?? DEFAULT_FEEDBACK_SETTINGS, tr.locale);
    }
  }

  private overview(now: Date) {
    const attentionAttempts = this.deps.attentionAttempts;
    return meteringOverview(this.deps.store, this.deps.catalog, now, attentionAttempts ? { attentionAttempts } : {});
  }

  /** `metering resend N [note]` and `metering resolve N note`: the operator's way out of the attention list. */
  private async meteringAction(tr: Translator, match: RegExpExecArray, by: string, at: Date): Promise<Reply> {
    const verb = match[1]!.toLowerCase() as 'resend' | 'resolve';
    const id = Number(match[2]);
    const note = match[3]?.trim() ?? '';
    if (verb === 'resolve' && !note) return { text: tr.t('commands.metering.noteNeeded') };
    const outcome =
      verb === 'resend'
        ? await this.deps.store.metering.resend(id, { by, at, ...(note ? { note } : {}) })
        : await this.deps.store.metering.resolve(id, { by, at, note });
    // The hour's number as it is written in the attention list (#12), not as a localized number.
    const values = { id: String(id) };
    if (outcome === 'not-found') return { text: tr.t('commands.metering.notFound', values) };
    if (outcome === 'not-eligible')
      return { text: tr.t(verb === 'resend' ? 'commands.metering.notFailed' : 'commands.metering.notResolvable', values) };
    return { text: tr.t(verb === 'resend' ? 'commands.metering.resent' : 'commands.metering.resolved', values) };
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
