/** Words several cards and pages share. */
export default {
  askAdmin: 'Please ask your organization’s admin.',
  seePlans: 'View plans in browser',
  finishSetUp: 'Finish set-up in browser',
  manage: 'Manage subscription in browser',
  upgrade: 'Change plan in browser',
  seats: '{count, plural, one {# seat} other {# seats}}',
};
