// Azure resources for the Teams AI assistant, in one resource group:
//
//   user-assigned managed identity ── the bot's identity (Bot Framework), and the app's identity towards
//   │                                  Azure SQL, Service Bus, Key Vault, Azure OpenAI and the Marketplace APIs
//   ├─ App Service plan (Linux) + web app (Node 20)  /api/messages, /api/webhook, /landing, /healthz
//   ├─ Azure Bot (global) + Teams channel            → https://<web app>/api/messages
//   ├─ Azure SQL server (Entra-only auth) + database  STORE=mssql
//   ├─ Service Bus namespace (Standard) + queue       QUEUE=servicebus, usage-reporting-queue
//   ├─ Key Vault (RBAC)                               secrets, read by the app as keyvault:<secret-name>
//   ├─ Log Analytics + Application Insights           logs and telemetry
//   └─ optional Azure OpenAI account + deployment     or an existing endpoint, or an OpenAI API key
//
// Secrets arrive as @secure() parameters (the Toolkit fills them from env/.env.<env>.user), are written to Key
// Vault, and reach the app only as `keyvault:<secret-name>` references: no secret value is an app setting.
//
// One step Bicep cannot do: grant the managed identity access inside the database when an Entra group is the SQL
// administrator. The output SQL_GRANT_STATEMENT is the T-SQL to run once (see infra/README.md).
//
// The syntax stays within what the Bicep CLI pinned in teamsapp.yml (v0.9.1) understands.

@maxLength(20)
@minLength(4)
@description('Lowercase letters and digits; names every resource (the web app is https://<resourceBaseName>.azurewebsites.net).')
param resourceBaseName string

param location string = resourceGroup().location

param tags object = {}

// ---------------------------------------------------------------- App Service
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'P0v3'
  'P1v3'
  'P2v3'
])
@description('B1 (default) is the cheapest tier with Always On and health checks; P0v3 or higher for production (more memory, autoscale, deployment slots).')
param webAppSku string = 'B1'

@description('Single instance by default: the metering worker runs in-process (WORKER=in-process). Scale out only with the worker in its own process.')
@minValue(1)
param webAppInstanceCount int = 1

// ---------------------------------------------------------------- Bot and Teams app
@maxLength(42)
param botDisplayName string

@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('The Teams app id (written by teamsApp/create): the landing page\'s "Open in Teams" link.')
param teamsAppId string

// ---------------------------------------------------------------- Marketplace
@description('Publisher id in Partner Center (MARKETPLACE_PUBLISHER_ID).')
param marketplacePublisherId string

@description('SaaS offer id in Partner Center (MARKETPLACE_OFFER_ID).')
param marketplaceOfferId string

@description('Tenant of the publisher, where the webhook tokens come from. Empty: the tenant of this subscription.')
param publisherTenantId string = ''

@description('Client id of the Entra app registered in the offer\'s technical configuration (the `aud` of webhook tokens). Empty: marketplaceClientId, else the managed identity\'s client id.')
param marketplaceWebhookAudience string = ''

@description('Entra app used to call the Fulfillment and Metering APIs with a client secret. Empty: the managed identity calls them (MARKETPLACE_AUTH=managed-identity).')
param marketplaceClientId string = ''

@secure()
@description('Secret of marketplaceClientId. Stored in Key Vault as marketplace-client-secret.')
param marketplaceClientSecret string = ''

@description('Link in refusal cards to the offer\'s listing. Empty: the app\'s default.')
param offerListingUrl string = ''

// ---------------------------------------------------------------- Landing page
@secure()
@minLength(32)
@description('Key of the landing page session cookie, at least 32 characters. Stored in Key Vault as session-secret.')
param sessionSecret string

// Marketplace certification requires Entra sign-in on the landing page of a transactable offer, and the app refuses
// to start in production without it: these are required (see infra/README.md, "Landing page sign-in").
@minLength(1)
@description('Client id of the multi-tenant Entra app registration buyers sign in with on the landing page (redirect URI <PUBLIC_URL>/landing/auth).')
param landingSsoClientId string

@secure()
@minLength(1)
@description('Client secret of landingSsoClientId (or, with a certificate, any placeholder: landingSsoCertificateSecretName wins). Stored in Key Vault as landing-sso-client-secret.')
param landingSsoClientSecret string

@description('Expiry date (ISO, e.g. 2027-03-31) of landingSsoClientSecret: the app warns in its logs and on /healthz 30 days before. Empty: no warning.')
param landingSsoClientSecretExpiresAt string = ''

@description('Name of a Key Vault secret holding a PEM (private key + certificate) registered on the landing app: used instead of the client secret. Empty: the secret is used.')
param landingSsoCertificateSecretName string = ''

@description('Where buyers sign in: any work or school account (organizations). A sovereign cloud uses its own login host.')
param landingSsoAuthority string = 'https://login.microsoftonline.com/organizations'

// ---------------------------------------------------------------- Operations
@description('Comma-separated Entra object ids of the publisher\'s operators (operator bot commands).')
param operatorIds string = ''

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@minValue(30)
@maxValue(730)
@description('Log Analytics retention. 30 days are included in the ingestion price.')
param logRetentionDays int = 30

@description('E-mail address alerted when usage messages are dead-lettered (unbilled usage). Empty: no alert.')
param alertEmail string = ''

// ---------------------------------------------------------------- Model (one of three)
@description('1. Create an Azure OpenAI account and a model deployment; the app calls it with its managed identity.')
param deployAzureOpenAI bool = false

@description('Region of the Azure OpenAI account (model availability differs by region).')
param azureOpenAILocation string = location

param azureOpenAIModelName string = 'gpt-4o-mini'

param azureOpenAIModelVersion string = '2024-07-18'

@description('Deployment capacity in thousands of tokens per minute (GlobalStandard).')
param azureOpenAICapacity int = 30

@description('2. An existing Azure OpenAI endpoint (https://<name>.openai.azure.com). Without azureOpenAIApiKey the managed identity needs "Cognitive Services OpenAI User" on it: grant that yourself.')
param azureOpenAIEndpoint string = ''

@description('Deployment name: the one created (deployAzureOpenAI, default: the model name) or the one on azureOpenAIEndpoint.')
param azureOpenAIDeployment string = ''

@secure()
@description('Key of the existing Azure OpenAI endpoint. Stored in Key Vault as azure-openai-api-key.')
param azureOpenAIApiKey string = ''

@secure()
@description('3. An OpenAI API key, used when no Azure OpenAI endpoint is configured. Stored in Key Vault as openai-api-key.')
param openAIApiKey string = ''

param openAIModel string = 'gpt-4o-mini'

// ---------------------------------------------------------------- Azure SQL
@description('Object id of the Entra group (or user) that administers the SQL server. Empty: the managed identity is the administrator (no T-SQL step, but no human access until you set one).')
param sqlAdminObjectId string = ''

@description('Display name of that group or user.')
param sqlAdminLogin string = ''

@allowed([
  'Group'
  'User'
])
param sqlAdminPrincipalType string = 'Group'

@allowed([
  'Basic'
  'S0'
  'GP_S_Gen5_1'
  'GP_S_Gen5_2'
])
@description('Basic (default, 5 DTU, 2 GB) suits a first tenant or a few; GP_S_Gen5_* is serverless General Purpose.')
param sqlDatabaseSku string = 'Basic'

param sqlDatabaseName string = 'assistant'

// ---------------------------------------------------------------- Service Bus
param serviceBusQueueName string = 'usage-reporting-queue'

@description('ISO 8601 duration, at most P7D. The Marketplace accepts an hour\'s usage for 24 hours, so a resend that could still change a bill happens within a day; older resends are caught by the store\'s idempotency key.')
param duplicateDetectionWindow string = 'P1D'

@minValue(1)
param maxDeliveryCount int = 10

// ---------------------------------------------------------------- Key Vault
@description('Purge protection cannot be turned off again. Turn it off only for throw-away environments.')
param keyVaultPurgeProtection bool = true

@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionDays int = 90

@description('Object id of a person or group allowed to manage secrets (Key Vault Secrets Officer). Empty: none (the deployment itself writes secrets through ARM).')
param keyVaultAdminPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultAdminPrincipalType string = 'Group'

// ================================================================ Names and derived values
// SQL server and Azure OpenAI subdomain names must be lowercase.
var baseName = toLower(resourceBaseName)
var identityName = '${baseName}-identity'
var planName = '${baseName}-plan'
var webAppName = baseName
var sqlServerName = '${baseName}-sql'
// Service Bus reserves names ending in -sb and -mgmt.
var serviceBusName = '${baseName}-bus'
var keyVaultName = 'kv-${uniqueString(resourceGroup().id, baseName)}'
var logAnalyticsName = '${baseName}-logs'
var appInsightsName = '${baseName}-insights'
var openAIAccountName = '${baseName}-openai'

// A SECRET_ variable missing from env/.env.<env>.user may reach us as its literal placeholder: treat it as unset
// rather than store "${{SECRET_…}}" as a secret.
var placeholderPrefix = concat('$', '{{')
var marketplaceClientSecretValue = startsWith(marketplaceClientSecret, placeholderPrefix) ? '' : marketplaceClientSecret
var landingSsoClientSecretValue = startsWith(landingSsoClientSecret, placeholderPrefix) ? '' : landingSsoClientSecret
var azureOpenAIApiKeyValue = startsWith(azureOpenAIApiKey, placeholderPrefix) ? '' : azureOpenAIApiKey
var openAIApiKeyValue = startsWith(openAIApiKey, placeholderPrefix) ? '' : openAIApiKey

var useMarketplaceSecret = !empty(marketplaceClientId) && !empty(marketplaceClientSecretValue)
var useLandingCertificate = !empty(landingSsoCertificateSecretName)
var useExistingAzureOpenAI = !deployAzureOpenAI && !empty(azureOpenAIEndpoint)
var useAzureOpenAIKey = useExistingAzureOpenAI && !empty(azureOpenAIApiKeyValue)
var useOpenAIKey = !deployAzureOpenAI && !useExistingAzureOpenAI && !empty(openAIApiKeyValue)
var azureOpenAIDeploymentName = empty(azureOpenAIDeployment) ? azureOpenAIModelName : azureOpenAIDeployment

var sqlAdminIsIdentity = empty(sqlAdminObjectId)
var sqlDatabaseSkus = {
  Basic: {
    name: 'Basic'
    tier: 'Basic'
    capacity: 5
  }
  S0: {
    name: 'S0'
    tier: 'Standard'
    capacity: 10
  }
  GP_S_Gen5_1: {
    name: 'GP_S_Gen5'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 1
  }
  GP_S_Gen5_2: {
    name: 'GP_S_Gen5'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 2
  }
}
// Serverless without auto-pause: /healthz reaches the database every minute, so it would never pause anyway, and
// resuming a paused database takes longer than the 10 s the Marketplace webhook allows.
var sqlServerlessProperties = startsWith(sqlDatabaseSku, 'GP_S_') ? {
  autoPauseDelay: -1
  minCapacity: json('0.5')
} : {}

// Built-in role definitions.
var roleServiceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var roleServiceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var roleKeyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var roleKeyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
var roleCognitiveServicesOpenAIUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

// ================================================================ Identity
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

// ================================================================ Monitoring
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

// ================================================================ Key Vault
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    // Once on, purge protection cannot be turned off; `false` is not accepted, only "not set".
    enablePurgeProtection: keyVaultPurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource sessionSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'session-secret'
  properties: {
    value: sessionSecret
  }
}

resource marketplaceClientSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (useMarketplaceSecret) {
  parent: keyVault
  name: 'marketplace-client-secret'
  properties: {
    value: marketplaceClientSecretValue
  }
}

resource landingSsoClientSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!useLandingCertificate && !empty(landingSsoClientSecretValue)) {
  parent: keyVault
  name: 'landing-sso-client-secret'
  properties: {
    value: landingSsoClientSecretValue
  }
}

resource azureOpenAIApiKeyEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (useAzureOpenAIKey) {
  parent: keyVault
  name: 'azure-openai-api-key'
  properties: {
    value: azureOpenAIApiKeyValue
  }
}

resource openAIApiKeyEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (useOpenAIKey) {
  parent: keyVault
  name: 'openai-api-key'
  properties: {
    value: openAIApiKeyValue
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, roleKeyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleKeyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultAdminPrincipalId)) {
  name: guid(keyVault.id, keyVaultAdminPrincipalId, roleKeyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleKeyVaultSecretsOfficer)
    principalId: keyVaultAdminPrincipalId
    principalType: keyVaultAdminPrincipalType
  }
}

// ================================================================ Azure SQL (Entra-only authentication)
resource sqlServer 'Microsoft.Sql/servers@2023-08-01-preview' = {
  name: sqlServerName
  location: location
  tags: tags
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // No SQL logins at all: the only way in is an Entra token.
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      principalType: sqlAdminIsIdentity ? 'Application' : sqlAdminPrincipalType
      login: sqlAdminIsIdentity ? identity.name : sqlAdminLogin
      sid: sqlAdminIsIdentity ? identity.properties.principalId : sqlAdminObjectId
      tenantId: subscription().tenantId
    }
  }
}

// The `administrators` block above only applies when the server is created; these keep a changed administrator
// and Entra-only authentication in force on later deployments.
resource sqlEntraAdmin 'Microsoft.Sql/servers/administrators@2023-08-01-preview' = {
  parent: sqlServer
  name: 'ActiveDirectory'
  properties: {
    administratorType: 'ActiveDirectory'
    login: sqlAdminIsIdentity ? identity.name : sqlAdminLogin
    sid: sqlAdminIsIdentity ? identity.properties.principalId : sqlAdminObjectId
    tenantId: subscription().tenantId
  }
}

resource sqlEntraOnly 'Microsoft.Sql/servers/azureADOnlyAuthentications@2023-08-01-preview' = {
  parent: sqlServer
  name: 'Default'
  properties: {
    azureADOnlyAuthentication: true
  }
  dependsOn: [
    sqlEntraAdmin
  ]
}

// 0.0.0.0–0.0.0.0 is the documented rule for "allow Azure services": App Service's outbound addresses are shared
// and change with the plan, so they cannot be listed. Authentication is still Entra-only.
resource sqlAllowAzureServices 'Microsoft.Sql/servers/firewallRules@2023-08-01-preview' = {
  parent: sqlServer
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource sqlDatabase 'Microsoft.Sql/servers/databases@2023-08-01-preview' = {
  parent: sqlServer
  name: sqlDatabaseName
  location: location
  tags: tags
  sku: sqlDatabaseSkus[sqlDatabaseSku]
  properties: union({
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    zoneRedundant: false
  }, sqlServerlessProperties)
}

// ================================================================ Service Bus (usage queue)
// Standard, not Basic: duplicate detection is not available on Basic.
resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: serviceBusName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Entra tokens only: no shared access keys to leak.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// <namespace>.servicebus.windows.net, from the endpoint (https://<host>:443/) so other clouds work too.
var serviceBusHost = replace(replace(serviceBus.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')

resource usageQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: serviceBusQueueName
  properties: {
    // The message id is the usage event's idempotency key: a resent message within the window is dropped.
    // Duplicate detection can only be chosen when the queue is created.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    maxDeliveryCount: maxDeliveryCount
    lockDuration: 'PT1M'
    // Usage nobody processed in two weeks is kept in the dead-letter queue rather than dropped.
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
    requiresSession: false
    enablePartitioning: false
    maxSizeInMegabytes: 1024
  }
}

resource serviceBusDataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(usageQueue.id, identity.id, roleServiceBusDataSender)
  scope: usageQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleServiceBusDataSender)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource serviceBusDataReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(usageQueue.id, identity.id, roleServiceBusDataReceiver)
  scope: usageQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleServiceBusDataReceiver)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource alertActionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${baseName}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'botops'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// A dead-lettered usage message is usage that will not be billed until someone looks at it.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = if (!empty(alertEmail)) {
  name: '${baseName}-usage-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Usage messages were dead-lettered on ${serviceBusQueueName}: they are not billed until processed.'
    severity: 2
    enabled: true
    scopes: [
      serviceBus.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered-usage'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                serviceBusQueueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      {
        actionGroupId: alertActionGroup.id
      }
    ]
  }
}

// ================================================================ Azure OpenAI (optional)
resource openAIAccount 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (deployAzureOpenAI) {
  name: openAIAccountName
  location: azureOpenAILocation
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    // A custom subdomain is required for Entra authentication; keys are switched off.
    customSubDomainName: openAIAccountName
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource openAIDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = if (deployAzureOpenAI) {
  parent: openAIAccount
  name: azureOpenAIDeploymentName
  sku: {
    name: 'GlobalStandard'
    capacity: azureOpenAICapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: azureOpenAIModelName
      version: azureOpenAIModelVersion
    }
  }
}

resource openAIUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (deployAzureOpenAI) {
  name: guid(openAIAccount.id, identity.id, roleCognitiveServicesOpenAIUser)
  scope: openAIAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleCognitiveServicesOpenAIUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ================================================================ App Service
resource appServicePlan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: webAppInstanceCount
  }
  properties: {
    // Linux plan.
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: appServicePlan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm run start:prod'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz'
    }
  }
}

// App settings as their own resource so optional ones can be merged in; empty values count as unset in the app.
resource webAppSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    // Zip deploy ships the compiled app without node_modules; App Service installs the production
    // dependencies on Linux (native modules are built for the right platform). See .webappignore.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
    CUSTOM_BUILD_COMMAND: 'npm ci --omit=dev --no-audit --no-fund'

    NODE_ENV: 'production'
    PUBLIC_URL: 'https://${webApp.properties.defaultHostName}'
    LOG_LEVEL: logLevel
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString

    // DefaultAzureCredential picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identity.properties.clientId

    BOT_ID: identity.properties.clientId
    BOT_TYPE: 'UserAssignedMSI'
    BOT_TENANT_ID: identity.properties.tenantId
    TEAMS_APP_ID: teamsAppId

    MARKETPLACE_PUBLISHER_ID: marketplacePublisherId
    MARKETPLACE_OFFER_ID: marketplaceOfferId
    PUBLISHER_TENANT_ID: empty(publisherTenantId) ? subscription().tenantId : publisherTenantId
    MARKETPLACE_AUTH: useMarketplaceSecret ? '' : 'managed-identity'
    MARKETPLACE_CLIENT_ID: useMarketplaceSecret ? marketplaceClientId : ''
    MARKETPLACE_CLIENT_SECRET: useMarketplaceSecret ? 'keyvault:marketplace-client-secret' : ''
    MARKETPLACE_WEBHOOK_AUDIENCE: !empty(marketplaceWebhookAudience) ? marketplaceWebhookAudience : (!empty(marketplaceClientId) ? marketplaceClientId : identity.properties.clientId)
    OFFER_LISTING_URL: offerListingUrl
    OPERATOR_IDS: operatorIds

    SESSION_SECRET: 'keyvault:session-secret'
    LANDING_SSO_CLIENT_ID: landingSsoClientId
    LANDING_SSO_CLIENT_SECRET: useLandingCertificate ? '' : 'keyvault:landing-sso-client-secret'
    LANDING_SSO_CERTIFICATE: useLandingCertificate ? 'keyvault:${landingSsoCertificateSecretName}' : ''
    LANDING_SSO_CLIENT_SECRET_EXPIRES_AT: useLandingCertificate ? '' : landingSsoClientSecretExpiresAt
    LANDING_SSO_AUTHORITY: landingSsoAuthority

    AZURE_OPENAI_ENDPOINT: deployAzureOpenAI ? openAIAccount.properties.endpoint : (useExistingAzureOpenAI ? azureOpenAIEndpoint : '')
    AZURE_OPENAI_DEPLOYMENT: (deployAzureOpenAI || useExistingAzureOpenAI) ? azureOpenAIDeploymentName : ''
    AZURE_OPENAI_API_KEY: useAzureOpenAIKey ? 'keyvault:azure-openai-api-key' : ''
    OPENAI_API_KEY: useOpenAIKey ? 'keyvault:openai-api-key' : ''
    OPENAI_MODEL: openAIModel

    STORE: 'mssql'
    MSSQL_SERVER: sqlServer.properties.fullyQualifiedDomainName
    MSSQL_DATABASE: sqlDatabase.name
    QUEUE: 'servicebus'
    SERVICEBUS_NAMESPACE: serviceBusHost
    SERVICEBUS_QUEUE: usageQueue.name
    KEY_VAULT_URL: keyVault.properties.vaultUri
    WORKER: 'in-process'
  }
  // The app reads secrets at start: let the secrets and its access to them exist first.
  dependsOn: [
    sessionSecretEntry
    marketplaceClientSecretEntry
    landingSsoClientSecretEntry
    azureOpenAIApiKeyEntry
    openAIApiKeyEntry
    keyVaultSecretsUser
    serviceBusDataSender
    serviceBusDataReceiver
    openAIDeployment
    openAIUser
    sqlEntraOnly
  ]
}

// Console output (the app's pino logs), HTTP and platform logs into Log Analytics.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

// ================================================================ Azure Bot
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: baseName
    botDisplayName: botDisplayName
    botServiceSku: botServiceSku
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
    tags: tags
  }
}

// ================================================================ Outputs (written to env/.env.<env> by the Toolkit)
// The managed identity's database user, for when an Entra group administers the server. Run it once, connected
// to the database as a member of that group. db_ddladmin because the app applies its own schema migrations.
var sqlGrantStatement = 'CREATE USER [${identity.name}] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [${identity.name}]; ALTER ROLE db_datawriter ADD MEMBER [${identity.name}]; ALTER ROLE db_ddladmin ADD MEMBER [${identity.name}];'

output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output PUBLIC_URL string = 'https://${webApp.properties.defaultHostName}'
output AZURE_CLIENT_ID string = identity.properties.clientId
output MSSQL_SERVER string = sqlServer.properties.fullyQualifiedDomainName
output MSSQL_DATABASE string = sqlDatabase.name
output SERVICEBUS_NAMESPACE string = serviceBusHost
output SERVICEBUS_QUEUE string = usageQueue.name
output KEY_VAULT_URL string = keyVault.properties.vaultUri
output KEY_VAULT_NAME string = keyVault.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = appInsights.properties.ConnectionString
// Empty when the managed identity is itself the SQL administrator (it is then dbo in every database).
output SQL_GRANT_STATEMENT string = sqlAdminIsIdentity ? '' : sqlGrantStatement
