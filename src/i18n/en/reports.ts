/** The operators' `reports` card: content reports (a 👎 with a comment on an AI answer). */
export default {
  title: 'Content reports',
  intro:
    '{count, plural, =0 {No content report yet.} one {The newest report (a 👎 with a comment on an AI answer).} other {The newest # reports (a 👎 with a comment on an AI answer), newest first.}}',
  heading: '{when} · tenant {tenantId}',
  comment: '👎 “{comment}”',
  answer: 'Answer rated: “{text}”',
  subscription: 'Subscription {subscriptionId}',
  noSubscription: 'No subscription',
  answerId: 'answer id {replyId}',
  more: 'Older reports are kept too; the web console lists them all.',
  retention: 'Feedback is kept {days, plural, one {# day} other {# days}}; the text of rated answers (only with STORE_MESSAGE_TEXT) {textDays, plural, one {# day} other {# days}}.',
};
