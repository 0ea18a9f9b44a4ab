import type { TextModerator } from '../../domain/moderation';
import type { Logger } from '../../logger';
import { AzureContentSafetyModerator } from './azure-content-safety-moderator';
import type { ModerationSettings } from './moderation-settings';
import { OpenAIModerator } from './openai-moderator';
import { TurnModerator } from './turn-moderator';

/** The moderator the configuration asks for; undefined when moderation is off (teams-ai then allows everything). */
export function createTurnModerator(settings: ModerationSettings, logger: Logger): TurnModerator | undefined {
  if (settings.kind === 'off') return undefined;
  const moderator: TextModerator =
    settings.kind === 'openai'
      ? new OpenAIModerator({
          baseUrl: settings.baseUrl,
          model: settings.model,
          timeoutMs: settings.timeoutMs,
          ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
        })
      : new AzureContentSafetyModerator(settings);
  logger.info({ moderator: moderator.name, scope: settings.scope, onError: settings.onError }, 'moderation on');
  return new TurnModerator({ moderator, scope: settings.scope, onError: settings.onError, logger });
}
