import { ServiceClientCredentialsFactory, type ServiceClientCredentials } from 'botframework-connector';
import type { BotTokenSource } from './bot-token-source';

type SignableRequest = Parameters<ServiceClientCredentials['signRequest']>[0];

/**
 * botbuilder's credentials factory, with our token sources (which have timeouts) in place of its MSAL and
 * @azure/identity clients (which have none). Used for the Bot Connector and the user token service alike: the
 * scope is the audience botbuilder asks for.
 */
export class BotCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(
    private readonly appId: string,
    private readonly tokens: BotTokenSource,
  ) {
    super();
  }

  isValidAppId(appId = ''): Promise<boolean> {
    return Promise.resolve(appId === this.appId);
  }

  isAuthenticationDisabled(): Promise<boolean> {
    return Promise.resolve(!this.appId);
  }

  createCredentials(appId: string, audience: string | undefined): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) return Promise.reject(new Error('Invalid appId.'));
    const resource = (audience ?? 'https://api.botframework.com').replace(/\/+$/, '');
    const scope = resource.endsWith('/.default') ? resource : `${resource}/.default`;
    const tokens = this.tokens;
    return Promise.resolve({
      async signRequest(request: SignableRequest) {
        request.headers.set('authorization', `Bearer ${await tokens.getToken(scope)}`);
        return request;
      },
    });
  }

  /** Keeps the factory out of JSON (botbuilder serialises some of its objects in traces). */
  toJSON(): unknown {
    return { name: 'BotCredentialsFactory', appId: this.appId };
  }
}
