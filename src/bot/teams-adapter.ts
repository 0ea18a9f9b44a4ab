import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config';
import { isDeliveryError } from '../domain/delivery';
import { translator } from '../i18n/translator';
import type { Logger } from '../logger';
import { createAzureCredential, type AzureIdentitySettings } from '../secrets/azure-credential';
import { localeOfActivity } from './activity-facts';
import { BotCredentialsFactory } from './connector/bot-credentials-factory';
import { clientSecretTokenSource, credentialTokenSource } from './connector/bot-token-source';
import { connectorHttpClient } from './connector/connector-http-client';
import { turnDeadlineOf } from './turn-deadline';
import { keepEntityProperties } from './connector/entity-serialization';

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
 *
 * Outbound, every call has a timeout (botbuilder sets none): the Bot Connector through our HTTP client, which also
 * keeps botbuilder from resending a reply the connector may have delivered (connector-http-client.ts), and the
 * bot's own token through our token sources (bot-token-source.ts).
 */
export function createTeamsAdapter(
  bot: Config['bot'],
  delivery: Config['delivery'],
  logger: Logger,
  azure: AzureIdentitySettings = {},
): BotAdapter {
  // Entity properties (the AI label, a stream's streaminfo) must reach Teams.
  keepEntityProperties();
  // No app id (development): botbuilder requires the MultiTenant type to run without credentials.
  const credentials = bot.appId
    ? {
        MicrosoftAppId: bot.appId,
        MicrosoftAppPassword: bot.appPassword ?? '',
        MicrosoftAppType: bot.appType,
        MicrosoftAppTenantId: bot.tenantId ?? '',
      }
    : { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' };
  const adapter = new BotAdapter(
    {
      ...credentials,
      ...(bot.openIdMetadataUrl
        ? { ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: bot.openIdMetadataUrl }
        : {}),
      ...(bot.tokenIssuer ? { ToBotFromChannelTokenIssuer: bot.tokenIssuer } : {}),
    },
    bot.appId ? botCredentialsFactory(bot, delivery, logger, azure) : undefined,
    undefined,
    { httpClient: connectorHttpClient({ timeoutMs: delivery.connectorTimeoutMs }) },
  );
  adapter.onTurnError = async (context, error) => {
    const ids = { activityId: context.activity?.id, tenantId: context.activity?.conversation?.tenantId };
    // A failed or uncertain delivery, or a turn past its deadline: an apology would go the same way, or too late.
    if (isDeliveryError(error) || turnDeadlineOf(context)?.aborted) {
      logger.warn({ ...ids, err: error }, 'turn ended without its reply');
      return;
    }
    logger.error({ ...ids, err: error }, 'unhandled turn error');
    try {
      await context.sendActivity(translator(localeOfActivity(context.activity ?? {})).t('turn.failed'));
    } catch {
      // The channel itself may be what failed.
    }
  };
  return adapter;
}

/** The bot's outbound token: its managed identity (UserAssignedMSI), else its client secret against Entra. */
function botCredentialsFactory(
  bot: Config['bot'],
  delivery: Config['delivery'],
  logger: Logger,
  azure: AzureIdentitySettings,
): BotCredentialsFactory {
  const timeoutMs = delivery.tokenTimeoutMs;
  const tokens =
    bot.appType === 'UserAssignedMSI'
      ? credentialTokenSource({ credential: createAzureCredential({ ...azure, clientId: bot.appId }), timeoutMs, logger })
      : clientSecretTokenSource({
          loginUrl: bot.loginUrl,
          // Multi-tenant bots get their token from the Bot Framework's own tenant.
          tenant: bot.appType === 'SingleTenant' && bot.tenantId ? bot.tenantId : 'botframework.com',
          appId: bot.appId,
          appPassword: bot.appPassword ?? '',
          timeoutMs,
          logger,
        });
  return new BotCredentialsFactory(bot.appId, tokens);
}
