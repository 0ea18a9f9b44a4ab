import type { ModelConfig } from '../../config';

/**
 * Who generates the answers, as the welcome and help cards tell users (a Teams Store rule for AI apps): OpenAI,
 * Azure OpenAI, another OpenAI-compatible server (`OPENAI_BASE_URL`), or the offline development model.
 */
export type ModelProvider = 'openai' | 'azure' | 'compatible' | 'offline';

export function modelProviderOf(model: ModelConfig): ModelProvider {
  switch (model.kind) {
    case 'azure-openai':
      return 'azure';
    case 'openai':
      return model.baseUrl && !/^https:\/\/api\.openai\.com(\/|$)/i.test(model.baseUrl) ? 'compatible' : 'openai';
    case 'offline':
      return 'offline';
  }
}
