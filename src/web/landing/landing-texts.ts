import type { SignInProblem } from '../entra-sign-in/provider-error';

/**
 * The landing flow's messages to the buyer, in one place so a translation is one file (English now). Each is what
 * happened and what to do, never internals. Page templates (landing-pages.ts) hold the texts of the pages proper.
 */

export interface Message {
  title: string;
  message: string;
  advice: string;
}

const REOPEN =
  'Go to the Microsoft 365 admin center (or the Azure portal), find your subscription and choose "Configure account" or "Manage account".';

export const TEXT = {
  needsMarketplaceLink: {
    title: 'Open this page from the Marketplace',
    message: 'This page needs the link the Marketplace gives you after a purchase.',
    advice: REOPEN,
  },
  expiredLink: {
    title: 'This link has expired',
    message: 'The activation link is no longer valid (links from the Marketplace last about a day) or could not be read.',
    advice:
      'Reopen it: in the Microsoft 365 admin center (or the Azure portal), find your subscription and choose "Configure account" again.',
  },
  formExpired: {
    title: 'This form has expired',
    message: 'For your security, we could not accept this request.',
    advice: 'Open the link from the Marketplace again and press Activate.',
  },
  marketplaceDown: {
    title: 'Something went wrong',
    message: 'We could not reach the Marketplace just now.',
    advice: 'Please try again in a minute. If it keeps happening, contact support.',
  },
  signInDown: {
    title: 'Microsoft sign-in is not answering',
    message: 'We could not reach Microsoft sign-in just now, so we cannot confirm who you are.',
    advice: 'Nothing was changed. Please try again in a few minutes with the link from the Marketplace.',
  },
  signInNotConfirmed: {
    title: 'Sign-in did not complete',
    message: 'We could not confirm your sign-in: it was started in another browser or tab, took too long, or was already used.',
    advice: 'Open the link from the Marketplace again to start over.',
  },
  consentGranted: {
    title: 'Thank you: your organization has approved the app',
    message: 'People of your organization can now sign in to this page.',
    advice: 'Open the link from the Marketplace again (or send it back to the person who asked you) to finish the set-up.',
  },
  signedOut: {
    title: 'You are signed out',
    message: 'You are signed out of this page.',
    advice:
      'To continue with another account, open the link from the Marketplace again and pick that account. To sign out of Microsoft everywhere, sign out of Microsoft 365 too.',
  },
  activationNotPossible: {
    title: 'Activation was not possible',
    advice: 'If you think this is wrong, contact support with the subscription name.',
  },
  providerSaid: 'Microsoft sign-in said:',
  adminConsentLinkLabel: 'Link for your administrator',
  signedInAs: 'Signed in as',
  signOut: 'Sign out',
  signOutAdvice: 'Not you? Sign out, then open the link again with the right account.',
} as const;

/** What a sign-in problem reported by Microsoft means for the buyer, and what to do. */
export const SIGN_IN_PROBLEMS: Record<SignInProblem, Message> = {
  'admin-consent': {
    title: 'Your organization needs to approve this app first',
    message:
      'Your organization allows only apps an administrator has approved. Approving it lets the app read your name and sign-in name; nothing else.',
    advice:
      'Ask a Global Administrator or Cloud Application Administrator of your organization to open the link below once, approve, and then open the Marketplace link again.',
  },
  cancelled: {
    title: 'Sign-in was cancelled',
    message: 'The sign-in was cancelled or declined, so we cannot show the subscription.',
    advice: 'Open the link from the Marketplace again when you are ready, and accept the sign-in.',
  },
  'account-not-allowed': {
    title: 'This account cannot be used here',
    message:
      'This page needs a work or school account of the organization that bought the subscription; personal Microsoft accounts and accounts your organization blocks for this app cannot be used.',
    advice: 'Open the link from the Marketplace again and pick your work account, or ask your administrator to give you access.',
  },
  'app-misconfigured': {
    title: 'Sign-in is not set up correctly',
    message: 'Microsoft refused the sign-in because of a problem on our side.',
    advice: 'Please contact our support and tell them what Microsoft said below. Nothing was changed on your subscription.',
  },
  other: {
    title: 'Sign-in did not complete',
    message: 'Microsoft sign-in could not complete.',
    advice: 'Open the link from the Marketplace again to try again. If it keeps happening, contact support with what Microsoft said below.',
  },
};

/**
 * The page for a signed-in user who may not see this subscription: says who can, by organization (email domains),
 * without showing the purchase or the purchaser's address to someone who may not see it.
 */
export function notYourSubscription(input: { user: string; organizations: string[] }): Message {
  const who = input.organizations.length
    ? `a work account of ${input.organizations.join(' or ')}`
    : 'a work account of the organization that bought it';
  return {
    title: 'This subscription belongs to another organization',
    message: `You are signed in as ${input.user}. Only the purchaser and people who sign in with ${who} can see and activate this subscription.`,
    advice:
      'Sign out, then open the link again and pick a work account of that organization, or send the link to the purchaser. Nothing was shown or changed.',
  };
}

/** Who administers the app after activation, as it really is (the viewer is told whether they are one). */
export function adminNote(input: { viewerIsAdmin: boolean; purchaser?: string }): string {
  if (input.viewerIsAdmin) return 'You are an admin of the app in your organization:';
  return input.purchaser
    ? `The purchaser (${input.purchaser}) is an admin of the app and can make you one. Admins use:`
    : 'The admins of the app (ask the purchaser) use:';
}
