import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Config } from '../config';
import { coerceError } from '../domain/errors';
import type { InFlight } from '../in-flight';
import type { Logger } from '../logger';
import { cleanText, identityOf, userAttachmentCount } from './activity-facts';
import { refusalCard } from './cards/refusal-card';
import { isCommandText } from './commands/command-syntax';
import { sendReply } from './send-reply';
import type { TurnBookkeeping } from './turn-bookkeeping';
import { attachTurnMeter } from './turn-meter';

export const MODEL_APOLOGY =
  'Sorry, I could not get an answer just now. Please try again in a moment. This message was not counted.';

/**
 * Adapter middleware around every turn: it maps botbuilder to the turn's bookkeeping (TurnBookkeeping: admission
 * before the AI, then complete or abort). try/finally rather than teams-ai's afterTurn, which is skipped when a
 * handler throws: a claim is always either settled (answered) or released (not answered). The model is held to the
 * turn's token ceiling through the turn meter.
 *
 * The settlement starts in the finally block but the turn does not wait for it: the reply has already gone (to the
 * connector, or into the expectReplies body), and the write can then share a commit with the turns of the next
 * tens of milliseconds instead of paying one of its own (see WriteBatcher). `inFlight` holds shutdown until it is
 * written; until then the turn's claim is in the store, so a redelivery to any instance is not answered twice.
 *
 * Only message turns that would reach the AI are gated: other activity types (card actions, installs) pass,
 * and so do commands (they check admin rights themselves and never consume quota).
 */
export function subscriptionMiddleware(deps: {
  bookkeeping: TurnBookkeeping;
  config: Pick<Config, 'enforcement' | 'links' | 'productName' | 'storeMessageText'>;
  logger: Logger;
  inFlight: InFlight;
}): Middleware {
  const { bookkeeping, config, logger, inFlight } = deps;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      if (activity.type !== ActivityTypes.Message) return next();
      const text = cleanText(activity);
      if (!text || isCommandText(text)) return next();

      if (text.length > config.enforcement.maxInputChars) {
        await context.sendActivity(
          `Your message is ${text.length.toLocaleString('en-US')} characters long; I can read up to ` +
            `${config.enforcement.maxInputChars.toLocaleString('en-US')}. Please shorten it or split it. It was not counted.`,
        );
        return;
      }

      const identity = identityOf(activity);
      const ids = { tenantId: identity.tenantId, userId: identity.userId, activityId: identity.activityId };
      const start = await bookkeeping.begin(identity, {
        textLength: text.length,
        attachmentCount: userAttachmentCount(activity),
      });
      if (start.kind === 'duplicate') {
        logger.info(ids, 'redelivered activity ignored (already answered or in progress)');
        return;
      }
      if (start.kind === 'refused') {
        logger.info({ ...ids, reason: start.refusal.kind }, 'turn refused');
        await sendReply(context, { card: refusalCard(start.refusal, config.links, config.productName) });
        return;
      }

      const { turn } = start;
      const meter = attachTurnMeter(context, turn.tokenCeiling);
      let completed = false;
      try {
        // A licence in its grace state: the user is told before the answer (inside the try: a failed send ends the turn).
        if (turn.ticket.notice) await context.sendActivity(turn.ticket.notice);
        await next();
        completed = true;
      } catch (thrown) {
        logger.error({ ...ids, err: coerceError(thrown).message, subscriptionId: turn.ticket.subscription.id }, 'turn failed');
        try {
          await context.sendActivity(MODEL_APOLOGY);
        } catch (sendError) {
          logger.warn({ ...ids, err: coerceError(sendError).message }, 'could not send the apology');
        }
      } finally {
        inFlight.enter();
        const ending =
          completed && meter.answered
            ? turn.complete({
                promptTokens: meter.promptTokens,
                completionTokens: meter.completionTokens,
                ...(config.storeMessageText ? { messageText: text, responseText: meter.replies.join('\n') } : {}),
              })
            : turn.abort();
        void ending.finally(() => inFlight.leave());
      }
    },
  };
}
