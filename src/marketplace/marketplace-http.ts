import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type Method } from 'axios';
import { AppError } from '../domain/errors';
import type { Logger } from '../logger';
import type { AccessTokenProvider } from './token-provider';

/** A failed Marketplace call: what the API said (status, code) and the ids to quote to Microsoft support. */
export class MarketplaceApiError extends AppError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly apiCode: string | undefined,
    readonly requestId: string,
    readonly correlationId: string,
    retryable: boolean,
    readonly body?: unknown,
  ) {
    super('UpstreamFailed', message, { retryable });
    this.name = 'MarketplaceApiError';
  }
}

export interface MarketplaceResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
  requestId: string;
  correlationId: string;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Give up retrying when the next attempt would start after this time (epoch ms). */
  deadline?: number;
  /** Keeps one correlation id across the calls of one operation. */
  correlationId?: string;
  /** Statuses that are answers, not errors (e.g. 409 on a settled operation). */
  accept?: readonly number[];
}

const USER_AGENT = `teams-saas-bot/0.1 (node ${process.version}; pid ${process.pid})`;
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8000;

export function backoffDelay(attempt: number, retryAfterSeconds?: number, random = Math.random): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds))
    return Math.min(MAX_DELAY_MS, Math.max(0, retryAfterSeconds * 1000));
  // Full jitter: spreads retries of many callers instead of synchronising them.
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
}

/**
 * The HTTP layer shared by the Fulfillment and Metering clients: `api-version` on every call, `x-ms-requestid`
 * (new per attempt) and `x-ms-correlationid` (kept across retries) on every call and in the logs, a timeout,
 * retries with capped exponential backoff and jitter on 408/429/5xx and network errors only (never on other
 * 4xx), and typed errors.
 */
export class MarketplaceHttp {
  private readonly axios: AxiosInstance;

  constructor(
    private readonly options: {
      baseUrl: string;
      apiVersion: string;
      tokens: AccessTokenProvider;
      timeoutMs: number;
      maxRetries: number;
      logger: Logger;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {
    this.axios = axios.create({
      timeout: options.timeoutMs,
      // We judge statuses ourselves; axios must not throw on them.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** `path` is relative to the base URL, or an absolute URL from the API (`@nextLink`, `Operation-Location`). */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<MarketplaceResponse<T>> {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${this.options.baseUrl}${path}`);
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', this.options.apiVersion);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const correlationId = options.correlationId ?? randomUUID();
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const logPath = url.pathname;

    for (let attempt = 0; ; attempt++) {
      const requestId = randomUUID();
      const started = Date.now();
      let status: number | undefined;
      let data: unknown;
      let headers: Record<string, string | undefined> = {};
      let networkError: string | undefined;
      try {
        const token = await this.options.tokens.getToken();
        const response = await this.axios.request({
          method,
          url: url.toString(),
          data: options.body,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'x-ms-requestid': requestId,
            'x-ms-correlationid': correlationId,
            // The process id tells Microsoft support (and the emulator's resend count) which instance called.
            'user-agent': USER_AGENT,
            ...options.headers,
          },
        });
        status = response.status;
        data = response.data;
        headers = Object.fromEntries(
          Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v === undefined ? undefined : String(v)]),
        );
      } catch (thrown) {
        const e = thrown as { code?: string; message?: string };
        networkError = e.code ?? e.message ?? 'network error';
      }
      const ms = Date.now() - started;
      const ok = status !== undefined && ((status >= 200 && status < 300) || options.accept?.includes(status));
      this.options.logger[ok ? 'debug' : 'warn'](
        { method, path: logPath, status, networkError, requestId, correlationId, attempt, ms },
        'marketplace call',
      );
      if (ok) return { status: status!, data: data as T, headers, requestId, correlationId };

      const retryable = networkError !== undefined || RETRYABLE_STATUS.has(status!);
      const retryAfter = headers['retry-after'] !== undefined ? Number(headers['retry-after']) : undefined;
      const delay = backoffDelay(attempt, retryAfter);
      const withinDeadline = options.deadline === undefined || Date.now() + delay < options.deadline;
      if (retryable && attempt < this.options.maxRetries && withinDeadline) {
        await sleep(delay);
        continue;
      }
      const apiError = (data ?? {}) as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
      const apiCode =
        typeof apiError.code === 'string'
          ? apiError.code
          : typeof apiError.error?.code === 'string'
            ? apiError.error.code
            : undefined;
      const apiMessage = typeof apiError.message === 'string' ? apiError.message : undefined;
      throw new MarketplaceApiError(
        `Marketplace ${method.toUpperCase()} ${logPath} failed: ${networkError ?? `HTTP ${status}`}${apiCode ? ` ${apiCode}` : ''}${apiMessage ? ` (${apiMessage.slice(0, 200)})` : ''}`,
        status,
        apiCode,
        requestId,
        correlationId,
        retryable,
        data,
      );
    }
  }
}
