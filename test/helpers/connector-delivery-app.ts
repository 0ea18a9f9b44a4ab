import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity } from './activities';
import { BOT_APP_ID, botAuthEnv, postSigned } from './bot-auth-env';
import { startBotFrameworkKeys, startStubConnector, startStubTokenEndpoint } from './bot-framework-stubs';
import { captureLogs, type CapturedLogs } from './log-capture';
import { startOpenAIStub, type StubBehaviour } from './openai-stub';
import { seedSubscription } from './seed';
import { startTestApp } from './test-app';

export interface ConnectorDeliveryOptions {
  /** What the OpenAI stub answers, at the start and again after each test. */
  model: StubBehaviour;
  /**
   * Settings of every app the tests start (`start(env)` overrides them), on top of authentication, the model (no
   * retries) and an acknowledgement after 150 ms.
   */
  env: Record<string, string>;
}

/**
 * Normal delivery on real HTTP, for the tests of one `describe`: Teams' stand-in posts signed activities (auth on),
 * the bot gets its outbound token from a stub Entra token endpoint, asks the OpenAI-compatible stub, and POSTs its
 * replies to a stub Bot Connector. The stubs live for the whole `describe`; each test starts its app with `start()`,
 * closed after it, and the stubs are reset to answer normally.
 */
export function useConnectorDeliveryApp(options: ConnectorDeliveryOptions) {
  let keys: Awaited<ReturnType<typeof startBotFrameworkKeys>> | undefined;
  let connector: Awaited<ReturnType<typeof startStubConnector>> | undefined;
  let tokens: Awaited<ReturnType<typeof startStubTokenEndpoint>> | undefined;
  let model: Awaited<ReturnType<typeof startOpenAIStub>> | undefined;
  let app: RunningApp | undefined;
  let logs: CapturedLogs = captureLogs();

  beforeAll(async () => {
    keys = await startBotFrameworkKeys(BOT_APP_ID);
    connector = await startStubConnector();
    tokens = await startStubTokenEndpoint();
    model = await startOpenAIStub(options.model);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    h.connector.calls.length = 0;
    h.model.requests.length = 0;
    h.connector.set('ok');
    h.tokens.set('ok');
    h.model.set(options.model);
  });
  afterAll(async () => {
    await Promise.all([keys?.close(), connector?.close(), tokens?.close(), model?.close()]);
  });

  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`${what} is not started`);
    return value;
  };
  const h = {
    get keys() {
      return started('the Bot Framework keys stub', keys);
    },
    get connector() {
      return started('the Bot Connector stub', connector);
    },
    get tokens() {
      return started('the token endpoint stub', tokens);
    },
    get model() {
      return started('the OpenAI stub', model);
    },
    /** The app of the running test (`start()` first). */
    get app() {
      return started('the app', app);
    },
    /** What the app of the running test logged, parsed. */
    get logs() {
      return logs.lines;
    },
    /** Starts the test's app, logging at info, with a business (or `planId`) subscription for tenant-a. */
    async start(env: Record<string, string> = {}, planId = 'business'): Promise<RunningApp> {
      logs = captureLogs();
      app = await startTestApp(
        {
          ...botAuthEnv(h.keys, h.tokens),
          OPENAI_BASE_URL: h.model.baseUrl,
          MODEL_MAX_RETRIES: '0',
          ACK_AFTER_MS: '150',
          ...options.env,
          ...env,
        },
        { logger: logs.logger },
      );
      await seedSubscription(app.store, { tenantId: 'tenant-a', planId, term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
      return app;
    },
    /** A Teams activity with normal delivery: replies go to the stub connector. */
    normal: (o: Parameters<typeof messageActivity>[0] = {}): Record<string, unknown> => ({
      ...messageActivity({ expectReplies: false, ...o }),
      serviceUrl: h.connector.serviceUrl,
    }),
    /** POSTs a signed activity to the app; the HTTP status. */
    post: (activity: Record<string, unknown>) => postSigned(h.app.url, h.keys, h.connector.serviceUrl, activity),
    /** The lines the app logged with message `msg`. */
    logged: (msg: string) => logs.logged(msg),
    /** The SQLite database of the running test's app. */
    db: () => (h.app.store as SqliteStore).db,
    countOf: (sql: string) => (h.db().prepare(sql).get() as { n: number | null }).n ?? 0,
    /** Nothing held for turns in flight: no claim, no held unit, no reserved counter. */
    reserved: () =>
      h.countOf('SELECT COUNT(*) AS n FROM turn_claims') +
      h.countOf('SELECT COUNT(*) AS n FROM quota_reservations') +
      h.countOf('SELECT SUM(reserved) AS n FROM usage_counters'),
  };
  return h;
}
