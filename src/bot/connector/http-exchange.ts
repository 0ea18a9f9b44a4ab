import http from 'node:http';
import https from 'node:https';

export interface HttpExchangeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, send, answer) must end within this. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpExchangeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Raised when the exchange outlived its timeout: the request may have been received. */
export const EXCHANGE_TIMEOUT = 'EXCHANGE_TIMEOUT';

/**
 * One HTTP request with an overall timeout, on node's http/https (which Application Insights instruments, unlike
 * the global fetch). Network errors keep their `code` (ECONNREFUSED…), so callers can tell "never sent" from "lost".
 */
export function httpExchange(request: HttpExchangeRequest): Promise<HttpExchangeResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, { method: request.method, headers: request.headers });
    const fail = (error: Error) => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: EXCHANGE_TIMEOUT })),
      request.timeoutMs,
    );
    const onAbort = () => fail(Object.assign(new Error('the request was aborted'), { code: 'ABORT_ERR' }));
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(request.body);
  });
}
