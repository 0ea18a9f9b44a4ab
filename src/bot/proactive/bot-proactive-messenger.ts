import { CardFactory, MessageFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import { coerceError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { conversationKeys, type StoredConversation } from '../../store/outreach-repos';
import type { Store } from '../../store/store';
import type { MessageFor, ProactiveMessenger, ProactiveOutcome } from './proactive-messenger';

/** The part of botbuilder's CloudAdapter a proactive send needs. */
export interface ContinuingAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** The language tag a message is sent with (Teams shows it; tests read it). */
const LANGUAGE_TAGS = { en: 'en-US', fr: 'fr-FR' } as const;

/**
 * Proactive messages through the Bot Connector: the stored conversation reference, botbuilder's
 * `continueConversationAsync` with the bot's app id (its credentials sign the call, through the same adapter,
 * timeouts and token sources as replies), and the message built for the recipient's language and client.
 *
 * A chat the bot can no longer reach (403: the bot was removed or blocked; 404: the conversation is gone) is
 * `no-conversation` and its reference is forgotten; other failures (throttling, 5xx, timeouts) throw, for the caller
 * to retry.
 */
export class BotProactiveMessenger implements ProactiveMessenger {
  constructor(
    private readonly deps: { adapter: ContinuingAdapter; botAppId: string; store: Store; logger: Logger },
  ) {}

  async toUser(tenantId: string, userId: string, message: MessageFor): Promise<ProactiveOutcome> {
    return this.send(conversationKeys.user(tenantId, userId), message);
  }

  async toConversation(name: string, message: MessageFor): Promise<ProactiveOutcome> {
    return this.send(conversationKeys.named(name), message);
  }

  private async send(key: string, message: MessageFor): Promise<ProactiveOutcome> {
    const stored = await this.deps.store.conversations.get(key);
    if (!stored) return 'no-conversation';
    const built = message({ locale: stored.locale, client: stored.client });
    const activity = built.card
      ? MessageFactory.attachment(CardFactory.adaptiveCard(built.card), built.text)
      : MessageFactory.text(built.text ?? '');
    activity.locale = LANGUAGE_TAGS[stored.locale];
    // The failure is caught inside the logic: thrown from it, the adapter's turn error handler would swallow it.
    let failure: unknown;
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, referenceOf(stored), async (context) => {
      // A proactive message replies to nothing (botbuilder would point it at the continuation event's id).
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      try {
        await context.sendActivity(activity);
      } catch (thrown) {
        failure = thrown ?? new Error('send failed');
      }
    });
    if (failure === undefined) return 'sent';
    const status = statusOf(failure);
    if (status === 403 || status === 404) {
      this.deps.logger.warn({ conversation: key.split(':')[0], status }, 'proactive message: the bot can no longer reach this chat');
      await this.deps.store.conversations.remove(key);
      return 'no-conversation';
    }
    throw coerceError(failure);
  }
}

function referenceOf(stored: StoredConversation): Partial<ConversationReference> {
  const a = stored.address;
  return {
    channelId: a.channelId,
    serviceUrl: a.serviceUrl,
    bot: { id: a.botId, name: a.botName ?? '' },
    conversation: {
      id: a.conversationId,
      isGroup: a.conversationType !== undefined && a.conversationType !== 'personal',
      conversationType: a.conversationType ?? 'personal',
      tenantId: a.tenantId ?? '',
      name: '',
    },
    ...(a.userChannelId ? { user: { id: a.userChannelId, name: '' } } : {}),
  };
}

function statusOf(thrown: unknown): number | undefined {
  const e = thrown as { statusCode?: unknown; status?: unknown } | null;
  const status = e?.statusCode ?? e?.status;
  return typeof status === 'number' ? status : undefined;
}
