import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from './cards/adaptive-card';

/**
 * Sends a card (with optional text), several cards as one message (a list, in order: one per subscription), or a
 * text message.
 */
export async function sendReply(
  context: TurnContext,
  reply: { text?: string; card?: AdaptiveCard; cards?: readonly AdaptiveCard[] },
): Promise<void> {
  if (reply.card) {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reply.card), reply.text));
  } else if (reply.cards?.length) {
    await context.sendActivity(
      MessageFactory.list(
        reply.cards.map((c) => CardFactory.adaptiveCard(c)),
        reply.text,
      ),
    );
  } else if (reply.text) {
    await context.sendActivity(MessageFactory.text(reply.text));
  }
}
