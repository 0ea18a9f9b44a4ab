import type { ClientKind } from '../../domain/client-kind';
import type { Locale } from '../../i18n/locale';
import type { AdaptiveCard } from '../cards/adaptive-card';

/**
 * Messages the bot sends on its own, outside a turn: operator alerts, tenant admin notices, support answers. A
 * message is built per recipient, in their language and for the client they last used (a phone gets no purchase
 * buttons), from the conversation reference captured when they last wrote to the bot.
 */
export interface ProactiveMessage {
  text?: string;
  card?: AdaptiveCard;
}

/** What is known of a recipient when their message is built. */
export interface Recipient {
  locale: Locale;
  client: ClientKind;
}

export type MessageFor = (recipient: Recipient) => ProactiveMessage;

/** `no-conversation`: the bot has never seen (or was removed from) that chat, so nothing was sent. */
export type ProactiveOutcome = 'sent' | 'no-conversation';

export interface ProactiveMessenger {
  /** To a user's personal chat with the bot. */
  toUser(tenantId: string, userId: string, message: MessageFor): Promise<ProactiveOutcome>;
  /** To a named conversation captured on purpose (the operators' chat or channel of `alerts here`). */
  toConversation(name: string, message: MessageFor): Promise<ProactiveOutcome>;
}
