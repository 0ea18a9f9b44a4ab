import { ActivityTypes, type Middleware, type ResourceResponse, type TurnContext } from 'botbuilder';
import { isAiAnswer } from './ai-answer';
import type { RecentAnswers } from './recent-answers';

const MESSAGE: string = ActivityTypes.Message;

/**
 * Adapter middleware, on only with `STORE_MESSAGE_TEXT=true`: remembers the text of each AI answer (a message with
 * the AI label) under the id the connector gave it, so that 👍/👎 on it can keep the text it rates. Answers of
 * `expectReplies` turns get no id and are not remembered (nothing can rate them later).
 */
export function answerCapture(recent: RecentAnswers): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (context.activity.type === MESSAGE) {
        context.onSendActivities(async (_context, activities, sendNext): Promise<ResourceResponse[]> => {
          const sent = await sendNext();
          activities.forEach((activity, i) => {
            const id = sent[i]?.id;
            if (activity.type === MESSAGE && id && activity.text && isAiAnswer(activity))
              recent.remember(id, activity.text);
          });
          return sent;
        });
      }
      await next();
    },
  };
}
