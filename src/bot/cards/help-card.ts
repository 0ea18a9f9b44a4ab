import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import { statusRefusal } from '../../domain/entitlement';
import type { Subscription } from '../../domain/subscription';
import type { Translator } from '../../i18n/translator';
import type { ModelProvider } from '../models/model-provider';
import {
  actionSet,
  adaptiveCard,
  facts,
  imBack,
  note,
  paragraph,
  title,
  type AdaptiveCard,
  type CardElement,
} from './adaptive-card';
import { purchaseActions } from './browser-links';

/** Where the caller's organization stands, as far as help has something to say about it. */
export type HelpState = 'active' | 'none' | 'ended' | 'pending' | 'suspended' | 'no-tenant';

/** The state of the tenant's subscription (as the gate picks it), by the gate's own status rule. */
export function helpStateOf(subscription: Subscription | undefined): Exclude<HelpState, 'no-tenant'> {
  const refusal = statusRefusal(subscription);
  if (!refusal) return 'active';
  if (refusal.kind === 'no-subscription') return subscription ? 'ended' : 'none';
  return refusal.kind === 'pending' ? 'pending' : 'suspended';
}

/** What the help and welcome cards need to know of the caller and the installation. */
export interface HelpCardOptions {
  tr: Translator;
  productName: string;
  /** Who generates the answers (src/bot/models/model-provider.ts): the cards name it. */
  provider: ModelProvider;
  state: HelpState;
  client: ClientKind;
  links: Config['links'];
}

const STARTERS = ['email', 'explain', 'ideas'] as const;

/**
 * What the bot does, that its answers are AI-generated and by whom, where the organization stands and what to do
 * about it, and the commands the caller may use. Answers in every state (a Teams Store rule), never gated nor billed.
 */
export function helpCard(o: HelpCardOptions & { isAdmin: boolean; isOperator: boolean }): AdaptiveCard {
  const { tr } = o;
  const hint = (text: string, hintKey: 'seats' | 'admins' | 'metering') => `${text} ${tr.t(`commands.hints.${hintKey}`)}`;
  const body: CardElement[] = [
    title(tr.t('help.title', { product: o.productName })),
    paragraph(tr.t('help.what')),
    paragraph(tr.t('help.ai')),
    paragraph(tr.t('help.provider', { provider: o.provider })),
    ...stateParagraphs(o),
    title(tr.t('help.commands')),
    facts([
      ['help', tr.t('help.help')],
      ['new chat', tr.t('help.everyone.newChat')],
      ['support', tr.t('help.everyone.support')],
      ['tickets', tr.t('help.everyone.tickets')],
    ]),
  ];
  if (o.isAdmin) {
    body.push(
      title(tr.t('help.adminTitle')),
      facts([
        ['usage', tr.t('help.admin.usage')],
        ['stats', tr.t('help.admin.stats')],
        ['plan', tr.t('help.admin.plan')],
        ['seats', hint(tr.t('help.admin.seats'), 'seats')],
        ['admins', hint(tr.t('help.admin.admins'), 'admins')],
        ['notifications', tr.t('help.admin.notifications')],
      ]),
    );
  }
  if (o.isOperator) {
    body.push(
      title(tr.t('help.operatorTitle')),
      facts([
        ['metering', hint(tr.t('help.operator.metering'), 'metering')],
        ['subscriptions', tr.t('help.operator.subscriptions')],
        ['revenue', tr.t('help.operator.revenue')],
        ['billed', tr.t('help.operator.billed')],
        ['reports', tr.t('help.operator.reports')],
        ['alerts', tr.t('help.operator.alerts')],
        ['desk', tr.t('help.operator.desk')],
        ['statement', tr.t('help.operator.statement')],
      ]),
    );
  }
  return adaptiveCard(body, stateActions(o));
}

/**
 * The card sent when the bot is added: what it does, that it is AI and whose, what it needs (the organization's
 * subscription), prompt starters that show what it is for, and how to go on.
 */
export function welcomeCard(o: HelpCardOptions): AdaptiveCard {
  const { tr } = o;
  return adaptiveCard(
    [
      title(tr.t('help.welcomeTitle', { product: o.productName })),
      paragraph(tr.t('help.what')),
      note(`${tr.t('help.ai')} ${tr.t('help.provider', { provider: o.provider })}`),
      ...stateParagraphs(o),
      paragraph(tr.t('help.tryThese')),
      actionSet(STARTERS.map((key) => imBack(tr.t(`help.starters.${key}.label`), tr.t(`help.starters.${key}.prompt`)))),
      paragraph(tr.t('help.welcomeNext')),
    ],
    stateActions(o),
  );
}

/**
 * Where the organization stands. Active: that it works through the organization's subscription and what counts;
 * otherwise what is missing, plus "ask your admin" where a phone gets no button.
 */
function stateParagraphs({ tr, state, client, productName }: HelpCardOptions): CardElement[] {
  if (state === 'active')
    return [paragraph(tr.t('help.subscription', { product: productName })), paragraph(tr.t('help.state.active'))];
  const needsAdmin = state === 'none' || state === 'ended' || state === 'pending';
  const text = tr.t(`help.state.${state}`);
  return [paragraph(needsAdmin && !showsPurchaseUi(client) ? `${text} ${tr.t('common.askAdmin')}` : text, { color: 'Attention' })];
}

function stateActions({ tr, state, client, links }: HelpCardOptions) {
  switch (state) {
    case 'none':
    case 'ended':
      return purchaseActions(client, [tr.t('common.seePlans'), links.offerListingUrl]);
    case 'pending':
      return purchaseActions(client, [tr.t('common.finishSetUp'), links.landingPageUrl]);
    case 'suspended':
      return purchaseActions(client, [tr.t('common.manage'), links.manageSubscriptionUrl]);
    default:
      return [];
  }
}
