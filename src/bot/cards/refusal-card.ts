import type { Config } from '../../config';
import type { Refusal } from '../../domain/entitlement';
import { DIMENSION_LABELS } from '../../domain/usage-report';
import { adaptiveCard, facts, formatDate, formatNumber, openUrl, paragraph, title, type AdaptiveCard } from './adaptive-card';

/** Where customer admins assign licences that Microsoft manages. */
export const M365_LICENSES_URL = 'https://admin.microsoft.com/Adminportal/Home#/licenses';

/** One friendly card per refusal reason: what happened, whether data is safe, and the one thing to do next. */
export function refusalCard(refusal: Refusal, links: Config['links'], productName: string): AdaptiveCard {
  switch (refusal.kind) {
    case 'no-tenant':
      return adaptiveCard([
        title(`${productName} works inside a Microsoft 365 organization`),
        paragraph('Please chat with me from Microsoft Teams, signed in with your work or school account.'),
      ]);
    case 'no-user':
      return adaptiveCard([
        title('I could not identify your account'),
        paragraph('Please sign in to Microsoft Teams with your work or school account to chat with me.'),
      ]);
    case 'no-subscription': {
      const ended = refusal.subscription?.status === 'Unsubscribed';
      return adaptiveCard(
        [
          title(
            ended ? 'Your organization’s subscription has ended' : `Your organization has not subscribed to ${productName} yet`,
          ),
          paragraph(
            ended
              ? 'Your data is kept for now. To use the assistant again, your Microsoft 365 admin can subscribe again.'
              : 'To start chatting, your Microsoft 365 admin can subscribe to a plan from the Microsoft commercial marketplace.',
          ),
        ],
        [openUrl('See plans', links.offerListingUrl)],
      );
    }
    case 'pending':
      return adaptiveCard(
        [
          title('Your subscription is almost ready'),
          paragraph('The person who bought it needs to finish set-up on the activation page. It only takes a minute.'),
        ],
        [openUrl('Finish set-up', links.landingPageUrl)],
      );
    case 'suspended':
      return adaptiveCard(
        [
          title('Your organization’s subscription is on hold'),
          paragraph(
            'There is a billing problem with the subscription. Please ask your Microsoft 365 admin to check the payment ' +
              'method. Your data is kept and everything works again as soon as billing is sorted.',
          ),
        ],
        [openUrl('Manage subscription', links.manageSubscriptionUrl)],
      );
    case 'unknown-plan':
      return adaptiveCard([
        title('Your plan could not be loaded'),
        paragraph('Something is wrong with the configuration of your organization’s plan. Please contact support.'),
      ]);
    case 'no-seat':
      return adaptiveCard(
        [
          title(refusal.revoked ? 'Your seat was removed' : 'No seat is available for you'),
          paragraph(
            refusal.revoked
              ? 'An admin of your organization took back your seat. Ask them to assign it to you again.'
              : `All ${refusal.seats} seats of your organization’s plan are taken. Ask an admin to assign you a seat or to add seats.`,
          ),
        ],
        [openUrl('Manage subscription', links.manageSubscriptionUrl)],
      );
    case 'no-licence':
      if (refusal.state === 'unreachable')
        return adaptiveCard([
          title('I could not check your licence right now'),
          paragraph(
            'Microsoft did not answer when I checked your licence, so I did not answer (and nothing was counted). ' +
              'Please try again in a few minutes.',
          ),
        ]);
      return adaptiveCard(
        [
          title(
            refusal.state === 'none' ? `You have no ${productName} licence` : `Your ${productName} licence is ${refusal.state}`,
          ),
          paragraph(
            'Licences for this plan are managed by Microsoft. An admin of your organization must assign you a licence ' +
              'in the Microsoft 365 admin center (Billing › Licenses).',
          ),
        ],
        [openUrl('Microsoft 365 admin center', M365_LICENSES_URL)],
      );
    case 'quota-exceeded': {
      const label = DIMENSION_LABELS[refusal.dimension].toLowerCase();
      return adaptiveCard(
        [
          title(`Your organization has used all its ${label} for this period`),
          paragraph(
            `The ${refusal.plan.displayName} plan includes ${formatNumber(refusal.included)} ${label} per month. ` +
              `The allowance renews on ${formatDate(refusal.period.end)}. An admin can upgrade the plan to keep going now.`,
          ),
          facts([
            ['Used', `${formatNumber(refusal.used)} of ${formatNumber(refusal.included)}`],
            ['Renews', formatDate(refusal.period.end)],
          ]),
        ],
        [openUrl('Upgrade plan', links.manageSubscriptionUrl)],
      );
    }
  }
}
