import net from 'node:net';
import { expect } from 'vitest';
import type { AppOptions, RunningApp } from '../../src/app';
import { systemClock, type Clock } from '../../src/domain/clock';
import { silentLogger } from '../../src/logger';
import { createEmulator, startEmulatorServer, type Emulator } from '../../src/dev/marketplace-emulator/emulator';
import type { Plan } from '../../src/domain/plans';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { startTestApp } from './test-app';

export const PUBLISHER_TENANT = 'test-publisher-tenant';
export const FULFILLMENT_APP = 'test-fulfillment-app';
export const EMULATOR_TOKEN = 'emulator-access-token';
/** The landing page's app registration, as the emulator IdP knows it (`sso: true`). */
export const LANDING_CLIENT = { clientId: 'landing-app-id', clientSecret: 'landing-app-secret' };

export interface MarketplaceHarness {
  emulator: Emulator;
  emulatorUrl: string;
  app: RunningApp;
  /** Stops the emulator's server only (the Marketplace and the IdP become unreachable); `close` still closes all. */
  stopEmulator(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bot and a standalone Marketplace emulator, each on its own ephemeral port on 127.0.0.1, pointed at each other:
 * the bot calls the emulator's APIs and trusts its webhook signing keys; the emulator redirects buyers to the bot's
 * landing page and calls the bot's webhook.
 */
export async function startMarketplaceHarness(
  env: Record<string, string> = {},
  options: {
    clock?: Clock;
    activationDelayMs?: number;
    /** The plans as published in Partner Center, when they differ from the bot's catalog. */
    emulatorPlans?: readonly Plan[];
    app?: Omit<AppOptions, 'clock'>;
    /**
     * Landing sign-in with the emulator as the identity provider: PUBLIC_URL is the app's real address (the redirect
     * URI must be reachable by a browser), LANDING_SSO_* name the emulator IdP and the client it knows.
     */
    sso?: boolean;
  } = {},
): Promise<MarketplaceHarness> {
  const clock = options.clock ?? systemClock;
  const emulator = createEmulator({
    clock,
    logger: silentLogger,
    baseUrl: 'http://127.0.0.1/emulator',
    landingPageUrl: 'http://127.0.0.1/landing',
    webhookUrl: 'http://127.0.0.1/api/webhook',
    plans: options.emulatorPlans ?? loadPlanCatalog(undefined).plans,
    offerId: 'teams-ai-assistant',
    publisherId: 'contoso',
    publisherTenantId: PUBLISHER_TENANT,
    webhookAudience: FULFILLMENT_APP,
    apiToken: EMULATOR_TOKEN,
    activationDelayMs: options.activationDelayMs ?? 0,
  });
  const server = await startEmulatorServer(emulator, { port: 0, host: '127.0.0.1', logger: silentLogger });
  emulator.configure({ baseUrl: server.url });
  let ssoEnv: Record<string, string> = {};
  if (options.sso) {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const authority = emulator.identityProvider.authority();
    emulator.identityProvider.registerClient({ ...LANDING_CLIENT, redirectUris: [`${publicUrl}/landing/auth`] });
    emulator.configure({ signInAuthority: authority });
    ssoEnv = {
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      LANDING_SSO_CLIENT_ID: LANDING_CLIENT.clientId,
      LANDING_SSO_CLIENT_SECRET: LANDING_CLIENT.clientSecret,
      LANDING_SSO_AUTHORITY: authority,
    };
  }
  const app = await startTestApp(
    {
      MARKETPLACE_API_BASE_URL: `${server.url}/api`,
      GRAPH_BASE_URL: `${server.url}/graph`,
      GRAPH_AUTHORITY_URL: `${server.url}/graph-login`,
      MARKETPLACE_AUTH: 'emulator',
      MARKETPLACE_WEBHOOK_ISSUER: server.url,
      MARKETPLACE_WEBHOOK_JWKS_URL: `${server.url}/keys`,
      PUBLISHER_TENANT_ID: PUBLISHER_TENANT,
      MARKETPLACE_WEBHOOK_AUDIENCE: FULFILLMENT_APP,
      ACTIVATION_WAIT_MS: '5000',
      TEAMS_APP_ID: 'teams-app-0001',
      ...ssoEnv,
      ...env,
    },
    { ...options.app, clock },
  );
  emulator.configure({ landingPageUrl: `${app.url}/landing`, webhookUrl: `${app.url}/api/webhook` });
  return {
    emulator,
    emulatorUrl: server.url,
    app,
    stopEmulator: () => server.close(),
    async close() {
      await app.close();
      await emulator.close();
      await server.close();
    },
  };
}

/** A port free right now on 127.0.0.1 (for an app whose public URL must be known before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A tiny browser: keeps cookies, follows nothing, reads forms' hidden fields. */
export class Browser {
  private cookies = new Map<string, string>();

  /** `acceptLanguage`: the browser's languages, sent with every request ("fr-FR,fr;q=0.9"); none when absent. */
  constructor(private readonly acceptLanguage?: string) {}

  async get(url: string) {
    return this.send(url, { method: 'GET' });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Replays a cookie value seen before (what an attacker holding an old cookie would send). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async postForm(url: string, fields: Record<string, string>) {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private async send(url: string, init: RequestInit) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(cookie ? { cookie } : {}),
        ...(this.acceptLanguage ? { 'accept-language': this.acceptLanguage } : {}),
      },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, ...value] = pair!.split('=');
      // Max-Age=0 (sign-out): the browser forgets the cookie.
      if (/;\s*Max-Age=0\b/i.test(set)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return { status: res.status, headers: res.headers, body: await res.text() };
  }
}

/** The value of a hidden input in an HTML page. */
export function hiddenField(page: string, name: string): string | undefined {
  return new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(page)?.[1]?.replace(/&amp;/g, '&');
}

/**
 * Activates a purchase as its buyer does on the landing page without sign-in: opens the landing link, posts the
 * page's Activate form, and checks the confirmation.
 */
export async function activateOnLanding(h: MarketplaceHarness, landingUrl: string): Promise<void> {
  const browser = new Browser();
  const landing = await browser.get(landingUrl);
  expect(landing.status).toBe(200);
  const done = await browser.postForm(`${h.app.url}/landing/activate`, {
    subscriptionId: hiddenField(landing.body, 'subscriptionId')!,
    csrf: hiddenField(landing.body, 'csrf')!,
  });
  expect(done.body).toContain('You’re all set');
}
