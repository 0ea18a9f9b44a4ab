import type { TurnContext } from 'botbuilder';
import { AI, type Application, type TurnState } from '@microsoft/teams-ai';
import { localeOf } from '../../i18n/locale';
import { translator, type TextKey } from '../../i18n/translator';
import type { ModerationStop } from './turn-moderator';

/**
 * What the user reads when moderation stops a turn (TurnModerator's plans): a polite, localized message instead of
 * the AI's answer. Plain text, without the AI label or feedback buttons: it is not an AI answer.
 */
export function registerModerationReplies(app: Application): void {
  const reply = (flagged: TextKey, unavailable: TextKey) => async (context: TurnContext, _state: TurnState, stop: unknown) => {
    const t = translator(localeOf(context.activity.locale));
    await context.sendActivity(t.t((stop as ModerationStop | undefined)?.reason === 'unavailable' ? unavailable : flagged));
    return AI.StopCommandName;
  };
  app.ai.action(AI.FlaggedInputActionName, reply('moderation.inputFlagged', 'moderation.inputUnavailable'));
  app.ai.action(AI.FlaggedOutputActionName, reply('moderation.outputFlagged', 'moderation.outputUnavailable'));
}
