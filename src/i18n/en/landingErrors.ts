/**
 * What the landing flow tells the buyer when something is not right: what happened and what to do, never
 * internals. Each message has a title, a message and advice.
 */
export default {
  needsMarketplaceLink: {
    title: 'Open this page from the Marketplace',
    message: 'This page needs the link the Marketplace gives you after a purchase.',
    advice:
      'Go to the Microsoft 365 admin center (or the Azure portal), find your subscription and choose "Configure account" or "Manage account".',
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
  notYourSubscription: {
    title: 'This subscription belongs to another organization',
    message:
      'You are signed in as {user}. Only the purchaser and people who sign in with {who} can see and activate this subscription.',
    whoOf: 'a work account of {organizations}',
    whoAny: 'a work account of the organization that bought it',
    or: ' or ',
    advice:
      'Sign out, then open the link again and pick a work account of that organization, or send the link to the purchaser. Nothing was shown or changed.',
  },
  activationNotPossible: {
    title: 'Activation was not possible',
    unknownSubscription: 'This subscription is unknown here. Please open the link from the Marketplace again.',
    notActive:
      'This subscription is {status, select, Suspended {suspended} other {unsubscribed}} and cannot be activated.',
    planNotOffered: 'The plan {planId} of offer {offerId} is not offered by this app. Please contact support.',
    noOffer: '(none)',
    marketplaceRefused: 'The Marketplace refused the activation. Please open the link from the Marketplace again.',
    advice: 'If you think this is wrong, contact support with the subscription name.',
  },
  /** What a sign-in problem reported by Microsoft means for the buyer (src/web/entra-sign-in/provider-error.ts). */
  signIn: {
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
      advice:
        'Open the link from the Marketplace again to try again. If it keeps happening, contact support with what Microsoft said below.',
    },
  },
};
