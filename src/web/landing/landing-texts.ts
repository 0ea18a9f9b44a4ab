import type { Translator } from '../../i18n/translator';
import type { ActivationRefusal } from '../../marketplace/purchase-activation';
import type { SignInProblem } from '../entra-sign-in/provider-error';

/**
 * The landing flow's messages to the buyer, in the buyer's language (catalog namespace `landingErrors`). Each is
 * what happened and what to do, never internals. Page templates (landing-pages.ts) hold the texts of the pages proper.
 */

export interface Message {
  title: string;
  message: string;
  advice: string;
}

/** The messages that need nothing but the language. */
export type MessageName =
  | 'needsMarketplaceLink'
  | 'expiredLink'
  | 'formExpired'
  | 'marketplaceDown'
  | 'signInDown'
  | 'signInNotConfirmed'
  | 'consentGranted'
  | 'signedOut';

export function landingMessage(tr: Translator, name: MessageName): Message {
  return {
    title: tr.t(`landingErrors.${name}.title`),
    message: tr.t(`landingErrors.${name}.message`),
    advice: tr.t(`landingErrors.${name}.advice`),
  };
}

/** What a sign-in problem reported by Microsoft means for the buyer, and what to do. */
export function signInProblemMessage(tr: Translator, problem: SignInProblem): Message {
  return {
    title: tr.t(`landingErrors.signIn.${problem}.title`),
    message: tr.t(`landingErrors.signIn.${problem}.message`),
    advice: tr.t(`landingErrors.signIn.${problem}.advice`),
  };
}

/**
 * The page for a signed-in user who may not see this subscription: says who can, by organization (email domains),
 * without showing the purchase or the purchaser's address to someone who may not see it.
 */
export function notYourSubscription(tr: Translator, input: { user: string; organizations: string[] }): Message {
  const who = input.organizations.length
    ? tr.t('landingErrors.notYourSubscription.whoOf', {
        organizations: input.organizations.join(tr.t('landingErrors.notYourSubscription.or')),
      })
    : tr.t('landingErrors.notYourSubscription.whoAny');
  return {
    title: tr.t('landingErrors.notYourSubscription.title'),
    message: tr.t('landingErrors.notYourSubscription.message', { user: input.user, who }),
    advice: tr.t('landingErrors.notYourSubscription.advice'),
  };
}

/** Why Activate could not go through (src/marketplace/purchase-activation.ts), and what to do. */
export function activationRefusedMessage(tr: Translator, reason: ActivationRefusal): Message {
  const key = 'landingErrors.activationNotPossible';
  let message: string;
  switch (reason.kind) {
    case 'unknown-subscription':
      message = tr.t(`${key}.unknownSubscription`);
      break;
    case 'not-active':
      message = tr.t(`${key}.notActive`, { status: reason.status });
      break;
    case 'plan-not-offered':
      message = tr.t(`${key}.planNotOffered`, { planId: reason.planId, offerId: reason.offerId || tr.t(`${key}.noOffer`) });
      break;
    case 'marketplace-refused':
      message = tr.t(`${key}.marketplaceRefused`);
      break;
  }
  return { title: tr.t(`${key}.title`), message, advice: tr.t(`${key}.advice`) };
}
