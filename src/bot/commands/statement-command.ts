import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import { billingPeriodAt } from '../../domain/periods';
import type { Locale } from '../../i18n/locale';
import { translator, type Translator } from '../../i18n/translator';
import type { StatementLinks } from '../../statements/statement-links';
import { periodText } from '../../statements/statement-view';
import type { Store } from '../../store/store';
import { adaptiveCard, note, openUrl, paragraph, title, type AdaptiveCard } from '../cards/adaptive-card';
import type { Reply } from './tenant-commands';

/** `statement <subscription id>` or `statement <subscription id> 2026-03-15` (any day of the period wanted). */
const STATEMENT = /^\/?statement\s+(\S{1,200})(?:\s+(\d{4}-\d{2}-\d{2}))?$/i;

/**
 * The operators' `statement` command: a signed, short-lived link to any subscription's usage statement. Tenant
 * admins get theirs from the `usage` card (`statementButton`), which only admins of the tenant see.
 */
export class StatementCommand {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      links: StatementLinks;
      linkLifetimeMs: number;
      operatorIds: readonly string[];
    },
  ) {}

  async run(identity: TurnIdentity, text: string, locale: Locale): Promise<Reply> {
    const t = translator(locale);
    if (!identity.userId || !this.deps.operatorIds.includes(identity.userId)) return { text: t.t('statement.command.notOperator') };
    const match = STATEMENT.exec(text.trim());
    if (!match) return { text: t.t('statement.command.hint') };
    const id = match[1]!;
    const day = match[2] ? new Date(`${match[2]}T12:00:00.000Z`) : this.deps.clock.now();
    if (Number.isNaN(day.getTime())) return { text: t.t('statement.command.hint') };
    const subscription = await this.deps.store.subscriptions.get(id);
    if (!subscription) return { text: t.t('statement.command.notFound', { id }) };
    const period = billingPeriodAt(day, subscription.term);
    const url = this.deps.links.url(subscription.id, period.start, { lang: locale });
    return { card: statementLinkCard(t, subscription.name || subscription.id, periodText(t, { period }), url, this.deps.linkLifetimeMs) };
  }
}

function statementLinkCard(t: Translator, name: string, period: string, url: string, lifetimeMs: number): AdaptiveCard {
  return adaptiveCard(
    [
      title(t.t('statement.command.title', { name })),
      paragraph(t.t('statement.command.period', { period })),
      note(t.t('statement.command.validFor', { minutes: Math.round(lifetimeMs / 60_000) })),
    ],
    [openUrl(t.t('statement.command.open'), url)],
  );
}

/**
 * The `usage` card's button to the statement of the period it shows; its label says a browser opens. Added to the
 * card the usage command built (one line there), on desktop and web only: phone cards carry no browser buttons.
 */
export function withStatementButton(card: AdaptiveCard, url: string, locale: Locale): AdaptiveCard {
  return { ...card, actions: [...(card.actions ?? []), openUrl(translator(locale).t('statement.button'), url)] };
}
