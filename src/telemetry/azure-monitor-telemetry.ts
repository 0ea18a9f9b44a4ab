import { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TokenCredential } from '@azure/identity';
import { shutdownAzureMonitor as shutdownDistro, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type TracerProvider } from '@opentelemetry/api';
import { logs, SeverityNumber, type LoggerProvider } from '@opentelemetry/api-logs';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { Telemetry, TelemetryProps } from './telemetry';

/**
 * Application Insights through the Azure Monitor OpenTelemetry distro.
 *
 * `startAzureMonitor` must run before restify, axios, openai or any other module that makes or serves HTTP calls
 * is loaded: the distro instruments modules as they are required. It then collects, with no code at the call
 * sites: incoming requests (restify sits on `http`), outgoing HTTP dependencies (the Marketplace APIs through
 * axios, the model through openai v4, which uses node-fetch over `http`/`https`, Entra and JWKS calls) and Azure
 * SDK calls (Key Vault, Service Bus, identity). Node's global `fetch` (undici) is NOT collected: the distro ships
 * no undici instrumentation. SQL (`mssql`/tedious) is not collected either: report it with `dependency()`.
 */

/** The attribute that makes the exporter send a log record as an Application Insights custom event. */
const CUSTOM_EVENT_NAME = 'microsoft.custom_event.name';
const SCOPE = 'teams-saas-bot';

export interface AzureMonitorOptions {
  /** Entra authentication for ingestion, when the Application Insights resource has local auth turned off. */
  credential?: TokenCredential;
  /** Share of traces kept (distro default 1; only used when `tracesPerSecond` is 0). */
  samplingRatio?: number;
  /** Traces kept per second (distro default 5). */
  tracesPerSecond?: number;
  /** Live Metrics stream (distro default on). */
  enableLiveMetrics?: boolean;
  /** Keeps telemetry on disk while ingestion is unreachable and sends it later (default on). */
  offlineStorage?: boolean;
  /**
   * Where that offline copy is kept. The exporter's default is the OS temporary folder, which App Service empties
   * on every restart: what ingestion refused during an outage was then lost with it. A folder that survives
   * restarts (App Service: under `/home`) keeps it until it is sent: at the next start, and one file after each
   * successful export. @defaultValue the OS temporary folder
   */
  storageDirectory?: string;
  /** Incoming paths not traced. Default `/healthz`: App Service probes it every minute on every instance. */
  untracedPaths?: readonly string[];
}

let started = false;

/**
 * Starts the distro once per process; later calls do nothing. Takes the connection string as read by `config.ts`
 * so that it can run first thing in `src/index.ts`.
 */
export function startAzureMonitor(connectionString: string, options: AzureMonitorOptions = {}): void {
  if (started) return;
  const untraced = new Set(options.untracedPaths ?? ['/healthz']);
  const http: HttpInstrumentationConfig = {
    enabled: true,
    ignoreIncomingRequestHook: (request) => untraced.has(pathOf(request.url)),
    requestHook: (span, request) => {
      if (request instanceof IncomingMessage) redactIncomingQuery(span, request);
    },
  };
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      ...(options.credential ? { credential: options.credential } : {}),
      ...(options.offlineStorage === false ? { disableOfflineStorage: true } : {}),
      ...(options.storageDirectory ? { storageDirectory: options.storageDirectory } : {}),
    },
    ...(options.samplingRatio !== undefined ? { samplingRatio: options.samplingRatio } : {}),
    ...(options.tracesPerSecond !== undefined ? { tracesPerSecond: options.tracesPerSecond } : {}),
    ...(options.enableLiveMetrics !== undefined ? { enableLiveMetrics: options.enableLiveMetrics } : {}),
    // Business events (usage, metering, lifecycle) are counted in Application Insights: they must not be dropped
    // because the request they happened in was sampled out.
    enableTraceBasedSamplingForLogs: false,
    instrumentationOptions: {
      http,
      azureSdk: { enabled: true },
      // Databases and caches this product does not use: no require hooks for them.
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  });
  started = true;
}

/** Sends what is buffered and stops the distro (graceful shutdown). Safe to call when it was never started. */
export async function shutdownAzureMonitor(): Promise<void> {
  if (!started) return;
  started = false;
  await shutdownDistro();
}

export interface AzureMonitorTelemetryOptions {
  /** Defaults to the global provider the distro registers; tests pass an in-memory one. */
  loggerProvider?: LoggerProvider;
  /** Defaults to the global provider the distro registers; tests pass an in-memory one. */
  tracerProvider?: TracerProvider;
  /** Shown as the SQL dependency target (`server|database`) in Application Insights. */
  sql?: { server?: string; database?: string };
}

/**
 * Custom events (the `customEvents` table: string properties in customDimensions, numbers in customMeasurements)
 * and the dependencies the distro cannot see. SQL calls become client spans with `db.system=mssql` (dependency
 * type "SQL"); other logical operations (a Marketplace call with its retries, a model turn) become internal spans
 * (type "InProc") under the current request, beside the HTTP dependencies collected per attempt.
 */
export function azureMonitorTelemetry(options: AzureMonitorTelemetryOptions = {}): Telemetry {
  // Resolved at each use, not once: the distro replaces the global providers when it starts.
  const logger = () => (options.loggerProvider ?? logs.getLoggerProvider()).getLogger(SCOPE);
  const tracer = () => (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const sqlTarget: Attributes = {
    ...(options.sql?.server ? { 'net.peer.name': options.sql.server } : {}),
    ...(options.sql?.database ? { 'db.name': options.sql.database } : {}),
  };

  function customEvent(name: string, props: TelemetryProps): void {
    const attributes: Attributes = { [CUSTOM_EVENT_NAME]: name };
    const measurements: Record<string, number> = {};
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (typeof value === 'number') measurements[key] = value;
      else attributes[key] = value;
    }
    logger().emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      attributes,
      // The exporter reads custom measurements from the body (numbers in attributes would become strings).
      ...(Object.keys(measurements).length > 0 ? { body: { measurements } } : {}),
    });
  }

  return {
    subscriptionEvent(name, props) {
      customEvent(name, props);
    },
    usageRecorded(props) {
      customEvent('UsageRecorded', { ...props });
    },
    meteringResult(props) {
      customEvent('MeteringResult', { ...props, hourStart: props.hourStart.toISOString() });
    },
    billedVsSent(props) {
      customEvent('BilledVsSentRun', { ...props });
    },
    dependency(props) {
      const end = Date.now();
      const sql = props.target === 'sql';
      const attributes: Attributes = sql
        ? { 'db.system': 'mssql', 'db.operation': props.name, ...sqlTarget }
        : { 'dependency.target': props.target };
      if (props.resultCode !== undefined) attributes['dependency.result_code'] = String(props.resultCode);
      const span = tracer().startSpan(
        sql ? props.name : `${props.target} ${props.name}`,
        { kind: sql ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: end - Math.max(0, props.durationMs), attributes },
        context.active(),
      );
      if (!props.success) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(end);
    },
    async flush() {
      await Promise.all([
        forceFlush(options.loggerProvider ?? logs.getLoggerProvider()),
        forceFlush(options.tracerProvider ?? trace.getTracerProvider()),
      ]);
    },
  };
}

/** The API types have no `forceFlush`; the SDK providers behind them (or behind the tracer proxy) do. */
async function forceFlush(provider: unknown): Promise<void> {
  const target = (provider as { getDelegate?: () => unknown }).getDelegate?.() ?? provider;
  const flush = (target as { forceFlush?: () => Promise<unknown> }).forceFlush;
  if (typeof flush === 'function') await flush.call(target);
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/**
 * Query strings of incoming requests can carry credentials: the Marketplace purchase token on `/landing?token=`
 * and the OpenID Connect `code` on the sign-in callback. Parameter names are kept, values are not.
 */
function redactIncomingQuery(span: Span, request: IncomingMessage): void {
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  if (at < 0) return;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=REDACTED`)
    .join('&');
  const target = `${url.slice(0, at)}?${query}`;
  const scheme = (request.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  span.setAttributes({
    'http.target': target,
    'http.url': `${scheme}://${request.headers.host ?? 'localhost'}${target}`,
    'url.query': query,
  });
}
