// Azure Bot registration for the web app, authenticated by the user-assigned managed identity (no app secret),
// with the Microsoft Teams channel switched on.

@maxLength(20)
@minLength(4)
@description('Used to name the bot resource.')
param resourceBaseName string

@maxLength(42)
@description('Name shown in the Azure portal and the Bot Framework channels page.')
param botDisplayName string

param botServiceName string = resourceBaseName

@allowed([
  'F0'
  'S1'
])
@description('F0 is enough: Microsoft Teams is a standard channel, and standard channel messages are not metered.')
param botServiceSku string = 'F0'

@description('Resource id of the user-assigned managed identity the bot authenticates as.')
param identityResourceId string

@description('Client id of that identity: it is the bot\'s app id (BOT_ID).')
param identityClientId string

@description('Tenant of that identity (BOT_TENANT_ID).')
param identityTenantId string

@description('Host name of the web app that serves /api/messages.')
param botAppDomain string

param tags object = {}

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  // Bot registrations are global; the messages themselves go to the web app's region.
  location: 'global'
  kind: 'azurebot'
  tags: tags
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
  }
}

resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output botServiceName string = botService.name
output messagingEndpoint string = botService.properties.endpoint
