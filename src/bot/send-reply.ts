import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from './cards/adaptive-card';

/** Sends a card (with optional text) or a text message. */
export async function sendReply(context: TurnContext, reply: { text?: string; card?: AdaptiveCard }): Promise<void> {
  if (reply.card) {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reply.card), reply.text));
  } else if (reply.text) {
    await context.sendActivity(MessageFactory.text(reply.text));
  }
}
