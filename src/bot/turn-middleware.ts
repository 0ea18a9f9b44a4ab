import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Config } from '../config';
import type { InFlight } from '../in-flight';
import type { Logger } from '../logger';
import { isBillableDelivery, isDeliveryError } from '../domain/delivery';
import { audienceOf, cleanText, identityOf, userAttachmentCount } from './activity-facts';
import { AnswerDelivery } from './answer-delivery';
import type { ConversationMemory } from './history/conversation-memory';
import { refusalCard } from './cards/refusal-card';
import { isCommandText } from './commands/command-syntax';
import { sendReply } from './send-reply';
import type { TurnBookkeeping } from './turn-bookkeeping';
import { markTurnStarted, turnDeadlineOf } from './turn-deadline';
import { attachTurnMeter } from './turn-meter';

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
 * Normal delivery (replies through the Bot Connector) adds two things, both absent from expectReplies turns: the
 * turn is billed by what became of its answer (delivered or uncertain: billed; certainly not delivered: released,
 * src/domain/delivery.ts), and at its deadline the turn is ended at once (claim released, or billed when its answer
 * was already on its way) while whatever still runs behind it can no longer send anything.
 *
 * Conversation history (when on): the turn's history is attached at admission (read by the model when it renders),
 * and the exchange is added exactly when the turn is billed (the user may have the answer), in the background.
 *
 * Only message turns that would reach the AI are gated: other activity types (card actions, installs) pass,
 * and so do commands, `help` and the greetings among them (they check admin rights themselves, never consume
 * quota, and `help` must answer in every state, also without a subscription: a Teams Store rule).
 */
export function subscriptionMiddleware(deps: {
  bookkeeping: TurnBookkeeping;
  config: Pick<Config, 'enforcement' | 'links' | 'productName' | 'storeMessageText'>;
  logger: Logger;
  inFlight: InFlight;
  /** Conversation history in the store; absent when the operator turned it off. */
  history?: ConversationMemory;
}): Middleware {
  const { bookkeeping, config, logger, inFlight, history } = deps;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      markTurnStarted(context);
      if (activity.type !== (ActivityTypes.Message as string)) return next();
      const text = cleanText(activity);
      if (!text || isCommandText(text)) return next();

      // The user's language (the activity's locale) and client, for what this middleware says itself.
      const { tr, client } = audienceOf(activity);
      if (text.length > config.enforcement.maxInputChars) {
        await context.sendActivity(tr.t('turn.tooLong', { length: text.length, max: config.enforcement.maxInputChars }));
        return;
      }

      const identity = identityOf(activity);
      const ids = { tenantId: identity.tenantId, userId: identity.userId, activityId: identity.activityId };
      // Normal delivery only (the route sets a deadline): expectReplies turns pay nothing more here.
      const deadline = turnDeadlineOf(context);
      // The route already answered this request (its deadline passed while the token was being checked) and the
      // channel will deliver it again: claiming it now would make that redelivery look like a duplicate.
      if (deadline?.aborted) {
        logger.warn(ids, 'turn not started: its deadline passed before it reached the bot');
        return;
      }
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
        await sendReply(context, { card: refusalCard(tr, start.refusal, config.links, config.productName, client) });
        return;
      }

      const { turn } = start;
      const meter = attachTurnMeter(context, turn.tokenCeiling);
      const delivery = deadline ? new AnswerDelivery(context, deadline) : undefined;
      const conversationId = identity.conversationId;
      const turnHistory =
        history && identity.tenantId && conversationId
          ? history.open(context, { tenantId: identity.tenantId, conversationId })
          : undefined;
      let completed = false;
      let ended = false;
      const end = (how: 'finished' | 'abandoned') => {
        if (ended) return;
        ended = true;
        // expectReplies: the answer is in the HTTP response. Connector: billed when the user may have it.
        const billable = meter.answered && (delivery ? isBillableDelivery(delivery.answer) : completed);
        if (delivery && (how === 'abandoned' || delivery.answer !== 'delivered')) {
          logger.warn(
            {
              ...ids,
              subscriptionId: turn.ticket.subscription.id,
              answer: meter.answered ? delivery.answer : 'none',
              billed: billable,
            },
            how === 'abandoned' ? 'turn settled at its deadline' : 'answer not confirmed by the connector',
          );
        } else if (delivery?.previewFailure) {
          logger.warn(
            { ...ids, subscriptionId: turn.ticket.subscription.id, previews: delivery.previewFailure },
            'stream previews not delivered; the answer went in its final message',
          );
        }
        inFlight.enter();
        const ending = billable
          ? turn.complete({
              promptTokens: meter.promptTokens,
              completionTokens: meter.completionTokens,
              ...(config.storeMessageText ? { messageText: text, responseText: meter.replies.join('\n') } : {}),
            })
          : turn.abort();
        void ending.finally(() => inFlight.leave());
        if (billable && turnHistory) {
          inFlight.enter();
          void turnHistory.remember(text, meter.replies.join('\n')).finally(() => inFlight.leave());
        }
      };
      const abandon = () => end('abandoned');
      deadline?.addEventListener('abort', abandon, { once: true });
      try {
        // A licence in its grace state: the user is told before the answer (inside the try: a failed send ends the turn).
        if (turn.ticket.notice === 'licence-warning')
          await context.sendActivity(tr.t('turn.licenceWarning', { product: config.productName }));
        await next();
        completed = true;
      } catch (thrown) {
        delivery?.stopWatching();
        // A reply the connector refused or may have delivered is never followed by an apology: it would go to the
        // same failing connector, and "not counted" may be untrue (src/domain/delivery.ts).
        if (ended || isDeliveryError(thrown) || delivery?.handedOver) {
          if (!ended)
            logger.warn(
              { ...ids, err: thrown },
              // A streamed answer broken off by the model ends with its interruption note, no apology after it.
              isDeliveryError(thrown) ? 'turn ended by a delivery failure' : 'turn failed after its answer was handed over',
            );
        } else {
          logger.error({ ...ids, err: thrown, subscriptionId: turn.ticket.subscription.id }, 'turn failed');
          try {
            await context.sendActivity(tr.t('turn.modelApology'));
          } catch (sendError) {
            logger.warn({ ...ids, err: sendError }, 'could not send the apology');
          }
        }
      } finally {
        deadline?.removeEventListener('abort', abandon);
        end('finished');
      }
    },
  };
}
