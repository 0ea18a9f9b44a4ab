import type { Environment, ModelConfig } from '../config';
import type { ConfigProblems, Reader } from '../config-reader';

/** The model: Azure OpenAI, an OpenAI-compatible server, or (outside production) the offline one. */
export function loadModel(r: Reader, problems: ConfigProblems, env: Environment): ModelConfig {
  const azureEndpoint = r.url('AZURE_OPENAI_ENDPOINT');
  if (azureEndpoint) {
    const deployment = r.str('AZURE_OPENAI_DEPLOYMENT');
    if (!deployment) problems.add('AZURE_OPENAI_DEPLOYMENT', 'set when AZURE_OPENAI_ENDPOINT is set');
    const apiKey = r.str('AZURE_OPENAI_API_KEY');
    return {
      kind: 'azure-openai',
      endpoint: azureEndpoint,
      deployment: deployment ?? '',
      apiVersion: r.str('AZURE_OPENAI_API_VERSION', '2024-10-21')!,
      ...(apiKey ? { apiKey } : {}),
    };
  }
  const apiKey = r.str('OPENAI_API_KEY');
  // A model server beside the app (same host or container group) may be plain http on loopback, even in production.
  const baseUrl = r.url('OPENAI_BASE_URL', undefined, { loopbackHttpOk: true });
  if (apiKey || baseUrl) {
    // OpenAI-compatible servers often need no key; the client still wants a non-empty one.
    return {
      kind: 'openai',
      apiKey: apiKey ?? 'not-needed',
      model: r.str('OPENAI_MODEL', 'gpt-4o-mini')!,
      ...(baseUrl ? { baseUrl } : {}),
    };
  }
  if (env === 'production') {
    problems.add(
      'OPENAI_API_KEY',
      'set (or OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT) in production: the offline model is for development only',
    );
  }
  return { kind: 'offline' };
}
