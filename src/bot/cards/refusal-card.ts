import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import type { Refusal } from '../../domain/entitlement';
import type { Translator } from '../../i18n/translator';
import { adaptiveCard, facts, openUrl, paragraph, title, type AdaptiveCard } from './adaptive-card';
import { purchaseActions } from './browser-links';

/** Where customer admins assign licences that Microsoft manages. */
export const M365_LICENSES_URL = 'https://admin.microsoft.com/Adminportal/Home#/licenses';

/**
 * One friendly card per refusal reason: what happened, whether data is safe, and the one thing to do next. On a
 * phone the card carries no purchase or plan button (src/domain/client-kind.ts) and asks for the admin instead.
 */
export function refusalCard(
  tr: Translator,
  refusal: Refusal,
  links: Config['links'],
  productName: string,
  client: ClientKind,
): AdaptiveCard {
  const desktop = showsPurchaseUi(client);
  const product = { product: productName };
  /** The card's sentence, plus "ask your admin" where a phone gets no button. */
  const advice = (text: string) => paragraph(desktop ? text : `${text} ${tr.t('common.askAdmin')}`);
  switch (refusal.kind) {
    case 'no-tenant':
      return adaptiveCard([title(tr.t('refusal.noTenantTitle', product)), paragraph(tr.t('refusal.noTenant'))]);
    case 'no-user':
      return adaptiveCard([title(tr.t('refusal.noUserTitle')), paragraph(tr.t('refusal.noUser'))]);
    case 'no-subscription': {
      const ended = refusal.subscription?.status === 'Unsubscribed';
      return adaptiveCard(
        [
          title(ended ? tr.t('refusal.endedTitle') : tr.t('refusal.noneTitle', product)),
          advice(ended ? tr.t('refusal.ended') : tr.t('refusal.none')),
        ],
        purchaseActions(client, [tr.t('common.seePlans'), links.offerListingUrl]),
      );
    }
    case 'pending':
      return adaptiveCard(
        [title(tr.t('refusal.pendingTitle')), advice(tr.t('refusal.pending'))],
        purchaseActions(client, [tr.t('common.finishSetUp'), links.landingPageUrl]),
      );
    case 'suspended':
      return adaptiveCard(
        [title(tr.t('refusal.suspendedTitle')), paragraph(tr.t('refusal.suspended'))],
        purchaseActions(client, [tr.t('common.manage'), links.manageSubscriptionUrl]),
      );
    case 'unknown-plan':
      return adaptiveCard([title(tr.t('refusal.unknownPlanTitle')), paragraph(tr.t('refusal.unknownPlan'))]);
    case 'no-seat':
      return adaptiveCard(
        refusal.revoked
          ? [title(tr.t('refusal.seatRemovedTitle')), paragraph(tr.t('refusal.seatRemoved'))]
          : [title(tr.t('refusal.noSeatTitle')), paragraph(tr.t('refusal.noSeat', { seats: refusal.seats }))],
        purchaseActions(client, [tr.t('common.manage'), links.manageSubscriptionUrl]),
      );
    case 'no-licence':
      if (refusal.state === 'unreachable')
        return adaptiveCard([title(tr.t('refusal.licenceUnreachableTitle')), paragraph(tr.t('refusal.licenceUnreachable'))]);
      return adaptiveCard(
        [title(tr.t('refusal.licenceTitle', { ...product, state: refusal.state })), paragraph(tr.t('refusal.licence'))],
        // Not a purchase: an admin assigns a licence the organization already has, so phones keep the link too.
        [openUrl(tr.t('refusal.adminCenter'), M365_LICENSES_URL)],
      );
    case 'quota-exceeded': {
      const renews = tr.date(refusal.period.end);
      const { dimension, included, used } = refusal;
      return adaptiveCard(
        [
          title(tr.t('refusal.quotaTitle', { dimension })),
          paragraph(
            `${tr.t('refusal.quota', { plan: refusal.plan.displayName, included, dimension, renews })} ` +
              (desktop ? tr.t('refusal.quotaUpgrade') : tr.t('refusal.quotaAskAdmin')),
          ),
          facts([
            [tr.t('refusal.used'), tr.t('refusal.usedOf', { used, included })],
            [tr.t('refusal.renews'), renews],
          ]),
        ],
        purchaseActions(client, [tr.t('common.upgrade'), links.manageSubscriptionUrl]),
      );
    }
  }
}
