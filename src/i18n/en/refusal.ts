/** The cards of a message refused before any AI call: what happened, whether data is safe, what to do next. */
export default {
  noTenantTitle: '{product} works inside a Microsoft 365 organization',
  noTenant: 'Please chat with me from Microsoft Teams, signed in with your work or school account.',
  noUserTitle: 'I could not identify your account',
  noUser: 'Please sign in to Microsoft Teams with your work or school account to chat with me.',
  endedTitle: 'Your organization’s subscription has ended',
  ended: 'Your data is kept for now. To use the assistant again, your Microsoft 365 admin can subscribe again.',
  noneTitle: 'Your organization has not subscribed to {product} yet',
  none: 'To start chatting, your Microsoft 365 admin can subscribe to a plan from the Microsoft commercial marketplace.',
  pendingTitle: 'Your subscription is almost ready',
  pending: 'The person who bought it needs to finish set-up on the activation page. It only takes a minute.',
  suspendedTitle: 'Your organization’s subscription is on hold',
  suspended:
    'There is a billing problem with the subscription. Please ask your Microsoft 365 admin to check the payment method. Your data is kept and everything works again as soon as billing is sorted.',
  unknownPlanTitle: 'Your plan could not be loaded',
  unknownPlan: 'Something is wrong with the configuration of your organization’s plan. Please contact support.',
  seatRemovedTitle: 'Your seat was removed',
  seatRemoved: 'An admin of your organization took back your seat. Ask them to assign it to you again.',
  noSeatTitle: 'No seat is available for you',
  noSeat:
    '{seats, plural, one {The only seat} other {All # seats}} of your organization’s plan {seats, plural, one {is} other {are}} taken. Ask an admin to assign you a seat or to add seats.',
  quotaTitle:
    'Your organization has used all its {dimension, select, premium_messages {premium messages} other {standard messages}} for this period',
  quota:
    'The {plan} plan includes {included, number} {dimension, select, premium_messages {premium messages} other {standard messages}} per month. The allowance renews on {renews}.',
  quotaUpgrade: 'An admin can upgrade the plan to keep going now.',
  quotaAskAdmin: 'To keep going now, ask your organization’s admin.',
  used: 'Used',
  usedOf: '{used, number} of {included, number}',
  renews: 'Renews',
  licenceUnreachableTitle: 'I could not check your licence right now',
  licenceUnreachable:
    'Microsoft did not answer when I checked your licence, so I did not answer (and nothing was counted). Please try again in a few minutes.',
  licenceTitle:
    '{state, select, none {You have no {product} licence} inactive {Your {product} licence is inactive} suspended {Your {product} licence is suspended} other {Your {product} licence is not usable}}',
  licence:
    'Licences for this plan are managed by Microsoft. An admin of your organization must assign you a licence in the Microsoft 365 admin center (Billing › Licenses).',
  adminCenter: 'Microsoft 365 admin center in browser',
};
