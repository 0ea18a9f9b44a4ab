import type { ProactiveMessenger } from './proactive-messenger';

/**
 * The messenger used until a real one is given (startApp's `proactive` option): it sends nothing and says so
 * (`no-conversation`), so callers record "not delivered" rather than pretending.
 */
export const unwiredMessenger: ProactiveMessenger = {
  toUser: () => Promise.resolve('no-conversation'),
  toConversation: () => Promise.resolve('no-conversation'),
};
