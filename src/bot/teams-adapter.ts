import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config';
import { coerceError } from '../domain/errors';
import type { Logger } from '../logger';

/**
 * teams-ai's adapter with the activity-level entry point made public: the HTTP route parses and checks the body
 * itself (clear 400s) and maps errors to statuses, instead of `process(req, res)` which echoes error messages.
 */
export class BotAdapter extends TeamsAdapter {
  handle(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * botbuilder's CloudAdapter (teams-ai's TeamsAdapter) with the bot's credentials. With an app id every inbound
 * request must carry a valid Bot Framework JWT; without one (development only) authentication is off.
 */
export function createTeamsAdapter(bot: Config['bot'], logger: Logger): BotAdapter {
  // No app id (development): botbuilder requires the MultiTenant type to run without credentials.
  const credentials = bot.appId
    ? {
        MicrosoftAppId: bot.appId,
        MicrosoftAppPassword: bot.appPassword ?? '',
        MicrosoftAppType: bot.appType,
        MicrosoftAppTenantId: bot.tenantId ?? '',
      }
    : { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' };
  const adapter = new BotAdapter({
    ...credentials,
    ...(bot.openIdMetadataUrl
      ? { ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: bot.openIdMetadataUrl }
      : {}),
    ...(bot.tokenIssuer ? { ToBotFromChannelTokenIssuer: bot.tokenIssuer } : {}),
  });
  adapter.onTurnError = async (context, error) => {
    logger.error(
      { err: coerceError(error).message, activityId: context.activity?.id, tenantId: context.activity?.conversation?.tenantId },
      'unhandled turn error',
    );
    try {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again.');
    } catch {
      // The channel itself may be what failed.
    }
  };
  return adapter;
}
