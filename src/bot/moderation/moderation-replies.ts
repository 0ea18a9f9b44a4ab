import type { TurnContext } from 'botbuilder';
import { localeOfActivity } from '../activity-facts';
import { AI, type Application, type TurnState } from '@microsoft/teams-ai';
import { translator, type TextKey } from '../../i18n/translator';
import type { ModerationStop } from './turn-moderator';

/**
 * What the user reads when moderation stops a turn (TurnModerator's plans): a polite, localized message instead of
 * the AI's answer. Plain text, without the AI label or feedback buttons: it is not an AI answer.
 */
export function registerModerationReplies(app: Application): void {
  const reply = (flagged: TextKey, unavailable: TextKey, after?: (state: TurnState) => void) =>
    async (context: TurnContext, state: TurnState, stop: unknown) => {
      const t = translator(localeOfActivity(context.activity));
      await context.sendActivity(t.t((stop as ModerationStop | undefined)?.reason === 'unavailable' ? unavailable : flagged));
      after?.(state);
      return AI.StopCommandName;
    };
  app.ai.action(AI.FlaggedInputActionName, reply('moderation.inputFlagged', 'moderation.inputUnavailable'));
  app.ai.action(
    AI.FlaggedOutputActionName,
    reply('moderation.outputFlagged', 'moderation.outputUnavailable', forgetWithheldExchange),
  );
}

/**
 * teams-ai writes the question and the model's answer to the conversation history (`conversation.<prompt>_history`)
 * before the output check: a withheld answer is taken out again, with its question, so the next turn's prompt does
 * not carry it.
 */
function forgetWithheldExchange(state: TurnState): void {
  const conversation = state.conversation as Record<string, unknown>;
  for (const [key, value] of Object.entries(conversation)) {
    if (!key.endsWith('_history') || !Array.isArray(value)) continue;
    const history = [...(value as { role?: unknown }[])];
    if (history.at(-1)?.role !== 'assistant') continue;
    history.pop();
    if (history.at(-1)?.role === 'user') history.pop();
    conversation[key] = history;
  }
}
