import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

/** How this process proves who it is to Azure services (Key Vault, SQL, Service Bus, Marketplace, Azure OpenAI). */
export interface AzureIdentitySettings {
  /** A user-assigned managed identity (`AZURE_CLIENT_ID`). */
  clientId?: string;
  /** Set by App Service and Functions when a managed identity is attached (`IDENTITY_ENDPOINT`). */
  identityEndpoint?: string;
}

export type AzureCredentialKind = 'managed-identity' | 'default-chain';

/**
 * The managed identity credential itself when the platform provides one (`IDENTITY_ENDPOINT`), else
 * DefaultAzureCredential (a developer's `az login`, environment variables, IMDS on a VM).
 *
 * Why not DefaultAzureCredential everywhere: it tries its chain in order on every token fetch until one works, and
 * each credential that is unavailable (environment, workload identity…) throws an exception that the Azure Monitor
 * distro records, with its fallback dependency, in Application Insights: about eight of them per token, in
 * production, for nothing.
 */
export function chooseAzureCredential(settings: AzureIdentitySettings): AzureCredentialKind {
  return settings.identityEndpoint ? 'managed-identity' : 'default-chain';
}

export function createAzureCredential(settings: AzureIdentitySettings): TokenCredential {
  if (chooseAzureCredential(settings) === 'managed-identity') {
    return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential(settings.clientId ? { managedIdentityClientId: settings.clientId } : {});
}
