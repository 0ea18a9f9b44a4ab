/** Notices to tenant admins and users, sent outside a turn, and the `notifications` command (src/notices/). */
export default {
  quota: {
    title: '{percent, number}% of your {dimension, select, messages {standard messages} premium_messages {premium messages} other {{dimension}}} used',
    body: 'Your organization has used {used, number} of the {included, number} {dimension, select, messages {standard messages} premium_messages {premium messages} other {{dimension}}} included this period (until {periodEnd}).',
    full: 'Past the allowance, messages are refused until the next period unless the plan is changed.',
    overage: 'Past the allowance, usage is billed as overage at your plan’s price.',
    mobile: 'To change the plan, open Teams on a computer or ask the person who manages the subscription.',
  },
  seatsFull: {
    title: 'All seats are taken',
    body: '{name} tried to use {product} but all {seats, plural, one {# seat is} other {# seats are}} taken. Revoke a seat with "seats revoke", or add seats to the subscription.',
    someone: 'Someone',
  },
  suspended: {
    title: 'Your subscription is suspended',
    body: 'Your {product} subscription is suspended, usually because of a billing problem: nobody in your organization can use it until it is paid. Your data is kept.',
    mobile: 'Please check the payment from a computer, or ask the person who manages the subscription.',
  },
  ending: {
    title: 'Your subscription ends soon',
    body: 'Your {product} subscription will not renew: it ends in {days, plural, one {# day} other {# days}} ({endDate}).',
  },
  trialEnding: {
    title: 'Your free trial ends soon',
    body: 'Your free trial of {product} ends in {days, plural, one {# day} other {# days}} ({endDate}).',
  },
  seat: {
    given: 'You have been given a seat: you can now chat with {product}.',
    lost: 'Your seat for {product} was taken back by an admin. Ask your admin if you still need it.',
  },
  turnOff: 'To stop these messages: "notifications off {kind}".',
  kind: {
    quota: 'allowance used (80 % and 100 %)',
    seats: 'seats full',
    subscription: 'subscription suspended or ending',
    trial: 'free trial ending',
    'seat-changes': 'users told when they are given or lose a seat',
  },
  command: {
    title: 'Notifications',
    intro: 'What your organization’s admins (and users, for their seat) are told in Teams:',
    on: 'on',
    off: 'off',
    hint: 'Turn one off with "notifications off quota" (or seats, subscription, trial, seat-changes), back on with "notifications on …".',
    changed: '{state, select, on {Turned on} other {Turned off}}: {label}.',
    unknownKind: 'I know these kinds: quota, seats, subscription, trial, seat-changes. For example: "notifications off quota".',
    adminsOnly: 'Only your organization’s admins can change notifications.',
    noTenant: 'I could not identify your organization or account.',
  },
};
