import type { Request } from 'restify';

/** What the emulator's routes read from a request, whatever the client sent. */

/** A path parameter, or '' when absent. */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The parsed body as an object whatever the client sent (no body, JSON, a form, or JSON without content type). */
export function jsonBody(req: Request): Record<string, unknown> {
  let body: unknown = req.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString());
    } catch {
      body = undefined;
    }
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
