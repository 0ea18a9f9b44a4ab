/** Replies of the tenant and operator commands, and how the commands that take arguments are written. */
export default {
  /**
   * In words, not `<user>`-style placeholders: Teams treats those as HTML and drops them, leaving "seats assign ,".
   */
  hints: {
    seats: 'Type "seats assign" or "seats revoke" followed by a name, an Entra object id or an @mention.',
    admins: 'Type "admins add" or "admins remove" followed by a name, an Entra object id or an @mention.',
    metering:
      'Re-send a failed hour: "metering resend" followed by its number. Close a failed or conflicting one: "metering resolve" followed by its number and a note.',
  },
  unknown: 'I don\'t know the command "{word}". Type "help" to see what I can do.',
  noSubscription: 'Your organization has no subscription yet, so there is nothing to show. Type "help" to see how to subscribe.',
  noIdentity: 'I could not identify your organization or account, so I cannot run admin commands.',
  adminsOnly:
    'Sorry, "{command}" is for your organization\'s admins of {product}. Ask one of them, or the person who bought the subscription, to run it or to add you as an admin.',
  operatorsOnly: 'Sorry, "{command}" is for the publisher\'s operators only. Type "help" to see what you can do.',
  planMissing: 'Your plan ({planId}) is not in the catalog. Please contact support.',
  seats: {
    notPerUser: 'Your {plan} plan is not priced per user: everyone in your organization can chat, no seats needed.',
    microsoftManaged:
      'Licences of your {plan} plan are managed by Microsoft: assign them to users in the Microsoft 365 admin center (Billing › Licenses, {url}). Each user’s licence is checked when they chat.',
    usage: 'Type "seats" to see who holds a seat.',
    full: '{capacity, plural, one {The only seat is} other {All # seats are}} taken. Revoke a seat first, or add seats to the subscription.',
    already: '{name} already has a seat.',
    assigned: '{name} now has a seat.',
    revoked: '{name} no longer has a seat. Only an admin can give it back.',
    hadNone: '{name} had no seat.',
  },
  admins: {
    usage: 'Type "admins" to see who manages this app here.',
    added: '{name} is now an admin.',
    alreadyAdmin: '{name} was already an admin.',
    notYourself: 'You cannot remove yourself. Ask another admin to do it.',
    removed: '{name} is no longer an admin.',
    wasNot: '{name} was not an admin (purchasers stay admins).',
  },
  who: {
    oneAtATime: 'Please mention one person at a time.',
    whom: 'Whom do you mean? Add a name, an Entra object id or an @mention.',
    tooLong: 'That name is too long.',
    several: 'Several people are called "{name}". Use their Entra object id instead.',
    unknown:
      `I don't know anyone called "{name}" yet (people appear here once they have chatted with me). Use their Entra object id or an @mention.`,
  },
  metering: {
    noteNeeded: 'Please say why: "metering resolve" followed by the hour’s number, then a note.',
    notFound: 'There is no metered hour #{id}.',
    notFailed: 'Hour #{id} is not failed, so there is nothing to re-send.',
    notResolvable: 'Hour #{id} is neither failed nor in conflict, so there is nothing to resolve.',
    resent:
      'Hour #{id} will be sent again on the worker’s next pass (carried into the current hour if it is too old by then).',
    resolved: 'Hour #{id} is marked resolved, with your note.',
  },
};
