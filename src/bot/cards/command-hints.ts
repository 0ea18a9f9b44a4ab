/**
 * How the commands that take arguments are written, in words. Not `<user>`-style placeholders: Teams treats them as
 * HTML and drops them, leaving "seats assign ," on the card. Used by the help card, the cards that list seats and
 * admins, and the replies to a mistyped command.
 */
export const COMMAND_HINTS = {
  seats: 'Type "seats assign" or "seats revoke" followed by a name, an Entra object id or an @mention.',
  admins: 'Type "admins add" or "admins remove" followed by a name, an Entra object id or an @mention.',
  metering:
    'Re-send a failed hour: "metering resend" followed by its number. Close a failed or conflicting one: ' +
    '"metering resolve" followed by its number and a note.',
} as const;
