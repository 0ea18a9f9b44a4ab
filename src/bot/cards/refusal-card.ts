import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import type { Refusal } from '../../domain/entitlement';
import { DIMENSION_LABELS } from '../../domain/usage-report';
import { adaptiveCard, facts, formatDate, formatNumber, openUrl, paragraph, title, type AdaptiveCard } from './adaptive-card';
import { purchaseActions } from './browser-links';

/** Where customer admins assign licences that Microsoft manages. */
export const M365_LICENSES_URL = 'https://admin.microsoft.com/Adminportal/Home#/licenses';

/** Every sentence of the refusal cards, in one place (a later translation replaces this table). */
const TEXT = {
  askAdmin: 'Please ask your organization’s admin.',
  seePlans: 'View plans in browser',
  finishSetUp: 'Finish set-up in browser',
  manage: 'Manage subscription in browser',
  upgrade: 'Change plan in browser',
  noTenantTitle: (product: string) => `${product} works inside a Microsoft 365 organization`,
  noTenant: 'Please chat with me from Microsoft Teams, signed in with your work or school account.',
  noUserTitle: 'I could not identify your account',
  noUser: 'Please sign in to Microsoft Teams with your work or school account to chat with me.',
  endedTitle: 'Your organization’s subscription has ended',
  ended: 'Your data is kept for now. To use the assistant again, your Microsoft 365 admin can subscribe again.',
  noneTitle: (product: string) => `Your organization has not subscribed to ${product} yet`,
  none: 'To start chatting, your Microsoft 365 admin can subscribe to a plan from the Microsoft commercial marketplace.',
  pendingTitle: 'Your subscription is almost ready',
  pending: 'The person who bought it needs to finish set-up on the activation page. It only takes a minute.',
  suspendedTitle: 'Your organization’s subscription is on hold',
  suspended:
    'There is a billing problem with the subscription. Please ask your Microsoft 365 admin to check the payment ' +
    'method. Your data is kept and everything works again as soon as billing is sorted.',
  unknownPlanTitle: 'Your plan could not be loaded',
  unknownPlan: 'Something is wrong with the configuration of your organization’s plan. Please contact support.',
  seatRemovedTitle: 'Your seat was removed',
  seatRemoved: 'An admin of your organization took back your seat. Ask them to assign it to you again.',
  noSeatTitle: 'No seat is available for you',
  noSeat: (seats: number) =>
    `All ${seats} seats of your organization’s plan are taken. Ask an admin to assign you a seat or to add seats.`,
  quotaTitle: (label: string) => `Your organization has used all its ${label} for this period`,
  quota: (plan: string, included: string, label: string, renews: string) =>
    `The ${plan} plan includes ${included} ${label} per month. The allowance renews on ${renews}.`,
  quotaUpgrade: 'An admin can upgrade the plan to keep going now.',
  quotaAskAdmin: 'To keep going now, ask your organization’s admin.',
  used: 'Used',
  renews: 'Renews',
  licenceUnreachableTitle: 'I could not check your licence right now',
  licenceUnreachable:
    'Microsoft did not answer when I checked your licence, so I did not answer (and nothing was counted). ' +
    'Please try again in a few minutes.',
  licenceTitle: (product: string, state: string) =>
    state === 'none' ? `You have no ${product} licence` : `Your ${product} licence is ${state}`,
  licence:
    'Licences for this plan are managed by Microsoft. An admin of your organization must assign you a licence ' +
    'in the Microsoft 365 admin center (Billing › Licenses).',
  adminCenter: 'Microsoft 365 admin center in browser',
} as const;

/**
 * One friendly card per refusal reason: what happened, whether data is safe, and the one thing to do next. On a
 * phone the card carries no purchase or plan button (src/domain/client-kind.ts) and asks for the admin instead.
 */
export function refusalCard(refusal: Refusal, links: Config['links'], productName: string, client: ClientKind): AdaptiveCard {
  const desktop = showsPurchaseUi(client);
  /** The card's sentence, plus "ask your admin" where a phone gets no button. */
  const advice = (text: string) => paragraph(desktop ? text : `${text} ${TEXT.askAdmin}`);
  switch (refusal.kind) {
    case 'no-tenant':
      return adaptiveCard([title(TEXT.noTenantTitle(productName)), paragraph(TEXT.noTenant)]);
    case 'no-user':
      return adaptiveCard([title(TEXT.noUserTitle), paragraph(TEXT.noUser)]);
    case 'no-subscription': {
      const ended = refusal.subscription?.status === 'Unsubscribed';
      return adaptiveCard(
        [title(ended ? TEXT.endedTitle : TEXT.noneTitle(productName)), advice(ended ? TEXT.ended : TEXT.none)],
        purchaseActions(client, [TEXT.seePlans, links.offerListingUrl]),
      );
    }
    case 'pending':
      return adaptiveCard(
        [title(TEXT.pendingTitle), advice(TEXT.pending)],
        purchaseActions(client, [TEXT.finishSetUp, links.landingPageUrl]),
      );
    case 'suspended':
      return adaptiveCard(
        [title(TEXT.suspendedTitle), paragraph(TEXT.suspended)],
        purchaseActions(client, [TEXT.manage, links.manageSubscriptionUrl]),
      );
    case 'unknown-plan':
      return adaptiveCard([title(TEXT.unknownPlanTitle), paragraph(TEXT.unknownPlan)]);
    case 'no-seat':
      return adaptiveCard(
        [
          title(refusal.revoked ? TEXT.seatRemovedTitle : TEXT.noSeatTitle),
          paragraph(refusal.revoked ? TEXT.seatRemoved : TEXT.noSeat(refusal.seats)),
        ],
        purchaseActions(client, [TEXT.manage, links.manageSubscriptionUrl]),
      );
    case 'no-licence':
      if (refusal.state === 'unreachable')
        return adaptiveCard([title(TEXT.licenceUnreachableTitle), paragraph(TEXT.licenceUnreachable)]);
      return adaptiveCard(
        [title(TEXT.licenceTitle(productName, refusal.state)), paragraph(TEXT.licence)],
        // Not a purchase: an admin assigns a licence the organization already has, so phones keep the link too.
        [openUrl(TEXT.adminCenter, M365_LICENSES_URL)],
      );
    case 'quota-exceeded': {
      const label = DIMENSION_LABELS[refusal.dimension].toLowerCase();
      const renews = formatDate(refusal.period.end);
      return adaptiveCard(
        [
          title(TEXT.quotaTitle(label)),
          paragraph(
            `${TEXT.quota(refusal.plan.displayName, formatNumber(refusal.included), label, renews)} ` +
              (desktop ? TEXT.quotaUpgrade : TEXT.quotaAskAdmin),
          ),
          facts([
            [TEXT.used, `${formatNumber(refusal.used)} of ${formatNumber(refusal.included)}`],
            [TEXT.renews, renews],
          ]),
        ],
        purchaseActions(client, [TEXT.upgrade, links.manageSubscriptionUrl]),
      );
    }
  }
}
