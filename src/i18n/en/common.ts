/** Words several cards and pages share. */
export default {
  askAdmin: 'Please ask your organization’s admin.',
  seePlans: 'View plans in browser',
  finishSetUp: 'Finish set-up in browser',
  manage: 'Manage subscription in browser',
  upgrade: 'Change plan in browser',
  seats: '{count, plural, one {# seat} other {# seats}}',
  /** The usage dimensions a plan counts (src/domain/billing-rules.ts `USAGE_KINDS`). */
  dimension: {
    messages: 'Standard messages',
    premium_messages: 'Premium messages',
  },
  /** A subscription's status as customers read it. */
  status: {
    Subscribed: 'Active',
    PendingFulfillmentStart: 'Waiting for activation',
    NotStarted: 'Waiting for activation',
    Suspended: 'Suspended (billing problem)',
    Unsubscribed: 'Cancelled',
  },
};
