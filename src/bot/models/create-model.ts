import type { PromptCompletionModel } from '@microsoft/teams-ai';
import OpenAI, { AzureOpenAI } from 'openai';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { AzureIdentitySettings } from '../../secrets/azure-credential';
import { DEFAULT_MAX_TOKENS } from './completion-budget';
import { OfflineModel } from './offline-model';
import { OpenAIChatModel } from './openai-chat-model';

const DEFAULTS = { defaultMaxTokens: DEFAULT_MAX_TOKENS, defaultTemperature: 0.3 };

/**
 * The model the configuration asks for. Azure OpenAI without a key uses an Entra token (managed identity).
 * `streaming`: stream answers where Teams shows streams (the offline demo model never streams).
 */
export async function createModel(
  config: Config['model'],
  logger: Logger,
  azure: AzureIdentitySettings = {},
  { streaming = false }: { streaming?: boolean } = {},
): Promise<PromptCompletionModel> {
  const common = { timeout: config.timeoutMs, maxRetries: config.maxRetries };
  switch (config.kind) {
    case 'offline':
      logger.warn('no model configured: using the offline demo model (development only)');
      return new OfflineModel();
    case 'openai':
      return new OpenAIChatModel(
        new OpenAI({ apiKey: config.apiKey, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}), ...common }),
        { model: config.model, logger, streaming, ...DEFAULTS },
      );
    case 'azure-openai': {
      const auth = config.apiKey ? { apiKey: config.apiKey } : { azureADTokenProvider: await entraTokenProvider(azure) };
      const client = new AzureOpenAI({
        endpoint: config.endpoint,
        deployment: config.deployment,
        apiVersion: config.apiVersion,
        ...auth,
        ...common,
      });
      return new OpenAIChatModel(client, { model: config.deployment, logger, streaming, ...DEFAULTS });
    }
  }
}

async function entraTokenProvider(azure: AzureIdentitySettings): Promise<() => Promise<string>> {
  const { getBearerTokenProvider } = await import('@azure/identity');
  const { createAzureCredential } = await import('../../secrets/azure-credential.js');
  return getBearerTokenProvider(createAzureCredential(azure), 'https://cognitiveservices.azure.com/.default');
}
