import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger';
import { azureMonitorTelemetry, shutdownAzureMonitor, startAzureMonitor } from '../../src/telemetry/azure-monitor-telemetry';
import { logTelemetry, type Telemetry } from '../../src/telemetry/telemetry';

const HOUR_START = new Date('2026-03-10T09:00:00.000Z');

/** One of each event, as the product would send them. */
function sendOneOfEach(telemetry: Telemetry): void {
  telemetry.subscriptionEvent('SubscriptionActivated', {
    subscriptionId: 'sub-1',
    tenantId: 'tenant-1',
    planId: 'pro',
    quantity: 5,
    autoRenew: true,
    previousPlanId: undefined,
  });
  telemetry.usageRecorded({
    tenantId: 'tenant-1',
    subscriptionId: 'sub-1',
    planId: 'pro',
    dimension: 'premium_messages',
    quantity: 3,
    billable: 1,
    tokens: 5400,
    processingMs: 812,
  });
  telemetry.meteringResult({
    subscriptionId: 'sub-1',
    dimension: 'messages',
    hourStart: HOUR_START,
    status: 'Accepted',
    quantity: 42,
    attempts: 2,
  });
  telemetry.dependency({ target: 'sql', name: 'usage.reserve', durationMs: 12, success: true });
  telemetry.dependency({ target: 'marketplace', name: 'ResolveSubscription', durationMs: 340, success: false, resultCode: 503 });
}

describe('logTelemetry', () => {
  it('writes one structured line per event, the name in `event`, no message text', async () => {
    const lines: string[] = [];
    const telemetry = logTelemetry(createLogger('debug', { write: (line: string) => void lines.push(line) }));

    sendOneOfEach(telemetry);
    await telemetry.flush();

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(5);
    for (const record of records) {
      expect(record).not.toHaveProperty('msg');
      expect(record).toMatchObject({ service: 'teams-saas-bot', component: 'telemetry' });
    }
    expect(records[0]).toMatchObject({
      level: 30,
      event: 'SubscriptionActivated',
      subscriptionId: 'sub-1',
      planId: 'pro',
      quantity: 5,
      autoRenew: true,
    });
    expect(records[0]).not.toHaveProperty('previousPlanId');
    expect(records[1]).toMatchObject({
      level: 20,
      event: 'UsageRecorded',
      dimension: 'premium_messages',
      tokens: 5400,
      billable: 1,
    });
    expect(records[2]).toMatchObject({
      level: 30,
      event: 'MeteringResult',
      hourStart: '2026-03-10T09:00:00.000Z',
      status: 'Accepted',
      attempts: 2,
    });
    expect(records[3]).toMatchObject({ level: 20, event: 'Dependency', target: 'sql', name: 'usage.reserve', success: true });
    expect(records[4]).toMatchObject({ event: 'Dependency', target: 'marketplace', success: false, resultCode: 503 });
  });

  it('keeps the event name when a property tries to overwrite it', () => {
    const lines: string[] = [];
    logTelemetry(createLogger('info', { write: (line: string) => void lines.push(line) })).subscriptionEvent(
      'SubscriptionSuspended',
      { event: 'Other', subscriptionId: 'sub-1' },
    );
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'SubscriptionSuspended' });
  });

  it('writes per-turn events only at debug', () => {
    const lines: string[] = [];
    sendOneOfEach(logTelemetry(createLogger('info', { write: (line: string) => void lines.push(line) })));
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(['SubscriptionActivated', 'MeteringResult']);
  });
});

describe('azureMonitorTelemetry with in-memory OpenTelemetry providers', () => {
  it('emits custom events as log records named by microsoft.custom_event.name, numbers as measurements', () => {
    const logs = new InMemoryLogRecordExporter();
    const traces = new InMemorySpanExporter();
    const telemetry = azureMonitorTelemetry({
      loggerProvider: new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logs)] }),
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(traces)] }),
      sql: { server: 'contoso.database.windows.net', database: 'bot' },
    });

    sendOneOfEach(telemetry);

    const records = logs.getFinishedLogRecords();
    expect(records.map((r) => r.attributes['microsoft.custom_event.name'])).toEqual([
      'SubscriptionActivated',
      'UsageRecorded',
      'MeteringResult',
    ]);
    expect(records[0]!.attributes).toEqual({
      'microsoft.custom_event.name': 'SubscriptionActivated',
      subscriptionId: 'sub-1',
      tenantId: 'tenant-1',
      planId: 'pro',
      autoRenew: true,
    });
    expect(records[0]!.body).toEqual({ measurements: { quantity: 5 } });
    expect(records[1]!.body).toEqual({ measurements: { quantity: 3, billable: 1, tokens: 5400, processingMs: 812 } });
    expect(records[2]!.attributes).toMatchObject({ hourStart: '2026-03-10T09:00:00.000Z', status: 'Accepted' });
    expect(records[2]!.body).toEqual({ measurements: { quantity: 42, attempts: 2 } });

    const [sql, marketplace] = traces.getFinishedSpans();
    expect(sql).toMatchObject({
      name: 'usage.reserve',
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'mssql',
        'db.operation': 'usage.reserve',
        'net.peer.name': 'contoso.database.windows.net',
        'db.name': 'bot',
      },
    });
    expect(sql!.status.code).toBe(SpanStatusCode.UNSET);
    expect(sql!.duration).toEqual([0, 12_000_000]);
    expect(marketplace).toMatchObject({
      name: 'marketplace ResolveSubscription',
      kind: SpanKind.INTERNAL,
      attributes: { 'dependency.target': 'marketplace', 'dependency.result_code': '503' },
      status: { code: SpanStatusCode.ERROR },
    });
  });
});

/** A throw-away certificate for the local ingestion endpoint (the exporter only speaks https). */
function selfSignedCertificate(): { key: string; cert: string } | undefined {
  const args = '-x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1'.split(' ');
  const made = spawnSync('openssl', ['req', ...args, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', '-', '-out', '-'], {
    encoding: 'utf8',
  });
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(made.stdout ?? '')?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(made.stdout ?? '')?.[0];
  return key && cert ? { key, cert } : undefined;
}

const certificate = selfSignedCertificate();

/**
 * The real distro, exporting to an ingestion endpoint on 127.0.0.1. A guard refuses every TCP connection that is
 * not to loopback (the distro probes the Azure VM metadata address at start; statsbeat is turned off), so nothing
 * leaves the machine whatever the SDK tries. Needs the openssl CLI for the endpoint's certificate.
 */
describe.skipIf(!certificate)('the Azure Monitor distro, exporting to a local ingestion endpoint', () => {
  const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
  const refused: string[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const envelopes: Envelope[] = [];
  let ingestion: https.Server;
  let app: http.Server;
  let appUrl = '';

  interface Envelope {
    name: string;
    data: { baseType: string; baseData: Record<string, unknown> & { properties?: Record<string, string> } };
  }

  beforeAll(async () => {
    net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
      const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      const options = (typeof first === 'object' && first !== null ? first : { host: args[1] }) as {
        host?: unknown;
        path?: unknown;
      };
      const host = typeof options.host === 'string' ? options.host : 'localhost';
      // Node normalises `path` to null for TCP; a string is a local (Unix) socket.
      if (typeof options.path === 'string' || LOOPBACK.has(host)) {
        return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
      }
      refused.push(host);
      process.nextTick(() => this.destroy(new Error(`test network guard: ${host} refused`)));
      return this;
    };
    // Statsbeat and SDK stats report to Microsoft's own endpoints.
    vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
    vi.stubEnv('APPLICATIONINSIGHTS_STATSBEAT_DISABLED', 'true');
    vi.stubEnv('APPLICATIONINSIGHTS_SDKSTATS_DISABLED', 'true');
    // Trusts the throw-away certificate; the guard above keeps every connection on loopback.
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');

    const load = createRequire(__filename);
    const nodeHttp = load('node:http') as typeof http;
    const nodeHttps = load('node:https') as typeof https;
    ingestion = nodeHttps.createServer(certificate!, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
        const items = text.trim().startsWith('[')
          ? JSON.parse(text)
          : text
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l));
        envelopes.push(...(items as Envelope[]));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
    const ingestionPort = (ingestion.address() as AddressInfo).port;

    startAzureMonitor(
      `InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:${ingestionPort}/`,
      // Every trace kept: the default rate limiter adapts within 0.1 s and would drop part of this burst.
      { enableLiveMetrics: false, offlineStorage: false, tracesPerSecond: 0 },
    );

    // Loaded after the distro, as src/index.ts does, so that they are instrumented.
    const axios = load('axios') as typeof import('axios');
    const OpenAI = (load('openai') as typeof import('openai')).default;
    const telemetry = azureMonitorTelemetry();
    app = nodeHttp.createServer((req, res) => {
      void (async () => {
        if (req.url === '/v1/chat/completions') {
          req.resume();
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              id: 'c1',
              object: 'chat.completion',
              created: 0,
              model: 'stub',
              choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }),
          );
          return;
        }
        if (req.url === '/marketplace/subscriptions/sub-1') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"sub-1"}');
          return;
        }
        if (req.url?.startsWith('/landing')) {
          await axios.get(`${appUrl}/marketplace/subscriptions/sub-1`);
          const model = new OpenAI({ apiKey: 'sk-local', baseURL: `${appUrl}/v1`, maxRetries: 0 });
          await model.chat.completions.create({ model: 'stub', messages: [{ role: 'user', content: 'hello' }] });
          telemetry.dependency({ target: 'sql', name: 'subscriptions.upsert', durationMs: 7, success: true });
          telemetry.subscriptionEvent('SubscriptionActivated', { subscriptionId: 'sub-1', planId: 'pro', quantity: 5 });
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      })().catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

    const get = (path: string) => axios.get(`${appUrl}${path}`);
    await get('/healthz');
    await get('/landing?token=purchase-token-SECRET%2Bvalue&lang=en');
    await shutdownAzureMonitor();
  }, 60_000);

  afterAll(async () => {
    net.Socket.prototype.connect = originalConnect;
    vi.unstubAllEnvs();
    await new Promise((resolve) => app?.close(resolve));
    await new Promise((resolve) => ingestion?.close(resolve));
  });

  const ofType = (baseType: string) => envelopes.filter((e) => e.data.baseType === baseType).map((e) => e.data.baseData);

  it('collects incoming requests, with query values redacted and /healthz left out', () => {
    const requests = ofType('RequestData');
    expect(requests.map((r) => r['name'])).toContain('GET /landing');
    expect(requests.map((r) => r['name'])).not.toContain('GET /healthz');
    const landing = requests.find((r) => r['name'] === 'GET /landing')!;
    expect(landing['url']).toMatch(/\/landing\?token=REDACTED&lang=REDACTED$/);
    // (The test's own call to /landing is an outgoing dependency of this process and keeps its URL: in production
    // that call comes from the buyer's browser.)
    expect(JSON.stringify(envelopes.filter((e) => e.data.baseType === 'RequestData'))).not.toContain('purchase-token');
  });

  it('collects outgoing HTTP calls made with axios (Marketplace) and openai (the model) as dependencies', () => {
    const http = ofType('RemoteDependencyData').filter((d) => d['type'] === 'Http');
    expect(http.map((d) => d['name'])).toEqual(
      expect.arrayContaining(['GET /marketplace/subscriptions/sub-1', 'POST /v1/chat/completions']),
    );
  });

  it('sends custom events to customEvents and SQL calls as SQL dependencies, in the request that made them', () => {
    const events = envelopes.filter((e) => e.data.baseType === 'EventData');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.baseData).toMatchObject({
      name: 'SubscriptionActivated',
      properties: { subscriptionId: 'sub-1', planId: 'pro' },
      measurements: { quantity: 5 },
    });
    const sql = ofType('RemoteDependencyData').find((d) => d['type'] === 'SQL');
    expect(sql).toMatchObject({ name: 'subscriptions.upsert', data: 'subscriptions.upsert', success: true });

    const operationOf = (e: Envelope) => (e as unknown as { tags: Record<string, string> }).tags['ai.operation.id'];
    const landing = envelopes.find((e) => e.data.baseData['name'] === 'GET /landing')!;
    expect(operationOf(events[0]!)).toBe(operationOf(landing));
  });

  it('never connected anywhere but loopback (only the VM metadata probe was refused)', () => {
    expect(refused.filter((host) => host !== '169.254.169.254')).toEqual([]);
  });
});
